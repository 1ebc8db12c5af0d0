-- Targets, manual outcomes and coded absences (the annual report's goal fulfilment and staff figures).
-- Every existing absence becomes 'other'; its free text stays in reason, which is now the note.
ALTER TABLE absence ADD COLUMN kind TEXT NOT NULL DEFAULT 'other'
    CHECK (kind IN ('sick', 'vacation', 'parental', 'leave', 'training', 'other'));
CREATE INDEX absence_kind ON absence(kind, from_date);
-- Årsmål: one target per year and figure. Shares are in per cent (4.4 = 4,4 %).
CREATE TABLE target (
    year      INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    key       TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 40),
    value     REAL NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('at_least', 'at_most')),
    label     TEXT,
    PRIMARY KEY (year, key)
);
-- Outcomes only the chief knows (municipal jobs, summer jobs, violence contacts).
CREATE TABLE outcome (
    year  INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    key   TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 40),
    value REAL NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (year, key)
);
