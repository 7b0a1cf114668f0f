PRAGMA journal_mode = DELETE;
CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born INTEGER);
INSERT INTO people (name, born) VALUES ('Ada Lovelace', 1815), ('Alan Turing', 1912), ('Grace Hopper', 1906);
CREATE TABLE knows (a INTEGER REFERENCES people(id), b INTEGER REFERENCES people(id));
INSERT INTO knows VALUES (1, 2), (2, 3);
