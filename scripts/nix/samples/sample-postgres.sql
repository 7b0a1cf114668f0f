CREATE TABLE people (id serial PRIMARY KEY, name text NOT NULL, born integer);
INSERT INTO people (name, born) VALUES ('Ada Lovelace', 1815), ('Alan Turing', 1912), ('Grace Hopper', 1906);
CHECKPOINT;
