-- The year report as the annual report writes it (issue 28).
-- Figure keys up to 64 characters: the longest key ekbist computes,
-- children_in_assisted_households_share_of_population, has 51. SQLite cannot change a
-- CHECK in place, so target and outcome are copied into tables with the wider check.
CREATE TABLE target_new (
    year      INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    key       TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
    value     REAL NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('at_least', 'at_most')),
    label     TEXT,
    PRIMARY KEY (year, key)
);
INSERT INTO target_new (rowid, year, key, value, direction, label)
    SELECT rowid, year, key, value, direction, label FROM target;
DROP TABLE target;
ALTER TABLE target_new RENAME TO target;
CREATE TABLE outcome_new (
    year  INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    key   TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
    value REAL NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (year, key)
);
INSERT INTO outcome_new (rowid, year, key, value, label)
    SELECT rowid, year, key, value, label FROM outcome;
DROP TABLE outcome;
ALTER TABLE outcome_new RENAME TO outcome;
-- An absence's extent in per cent of the person's working time: part-time sick leave
-- ("sjukskriven på deltid") is 25, 50 or 75; every absence so far was whole-time.
ALTER TABLE absence ADD COLUMN extent INTEGER NOT NULL DEFAULT 100
    CHECK (extent BETWEEN 1 AND 100);
-- The handling-time report leaves withdrawn applications out of the five-day rule: the
-- decision joins its covering index, which replaces application_clock.
CREATE INDEX application_clock_decision
    ON application(completed, decided, received, handler, decision);
DROP INDEX application_clock;
