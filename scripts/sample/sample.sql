-- The embedded sample: a small "graph" (people and who knows whom) built by SQLite itself,
-- about 12 MiB, so that a write touches a few pages of a file much larger than a block.
PRAGMA page_size = 4096;
PRAGMA journal_mode = WAL;
CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born INTEGER NOT NULL);
CREATE TABLE knows (a INTEGER NOT NULL REFERENCES person(id), b INTEGER NOT NULL REFERENCES person(id), since INTEGER NOT NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO person SELECT i, 'person-' || i || '-' || hex(randomblob(8)), 1940 + (i * 7919) % 70 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
INSERT INTO knows SELECT 1 + (i * 7919) % 100000, 1 + (i * 104729) % 100000, 1990 + i % 35 FROM n;
CREATE INDEX knows_a ON knows(a);
PRAGMA wal_checkpoint(TRUNCATE);
PRAGMA journal_mode = DELETE;
