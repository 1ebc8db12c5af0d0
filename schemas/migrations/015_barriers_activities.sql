-- Barriers to self-support (försörjningshinder) and labour-market activities (issue 30).
-- Codes are the stable English codes of ekbist.barriers; the national statistics' words
-- (HSLF-FS 2015:30, appendix 1) are their Swedish labels.

-- A case's barrier from a day on: the row with the latest from_date on or before a day is
-- the barrier on that day, so the history is kept and a change is a new row.
CREATE TABLE barrier (
    id        INTEGER PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES cases(id),
    from_date TEXT NOT NULL,
    code      TEXT NOT NULL CHECK (code IN (
        'unemployed_no_benefit', 'unemployed_insufficient', 'unemployed_waiting',
        'establishment', 'sick_certified', 'sickness_comp', 'social', 'parental',
        'working_full', 'working_part', 'pension', 'other')),
    UNIQUE (case_id, from_date)
);

-- An activity (insats) of a case, or an exemption from activity (kind 'exempt') with its
-- reason. hours = hours per week; an exemption has none.
CREATE TABLE activity (
    id        INTEGER PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES cases(id),
    kind      TEXT NOT NULL CHECK (kind IN ('jobbtorg', 'af_programme', 'municipal_job',
                                            'studies', 'sfi', 'rehabilitation', 'other',
                                            'exempt')),
    exemption TEXT CHECK (exemption IN ('sickness', 'parental', 'care_of_relative',
                                        'disability', 'other')),
    provider  TEXT NOT NULL DEFAULT '' CHECK (length(provider) <= 100),
    hours     REAL NOT NULL DEFAULT 0 CHECK (hours >= 0 AND hours <= 80),
    from_date TEXT NOT NULL,
    to_date   TEXT,            -- last day; NULL while it goes on
    note      TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    CHECK ((kind = 'exempt') = (exemption IS NOT NULL)),
    CHECK (kind <> 'exempt' OR hours = 0),
    CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE INDEX activity_case ON activity(case_id, from_date);
CREATE UNIQUE INDEX activity_one_start ON activity(case_id, kind, from_date);

-- Attendance at an activity in a month: hours attended, recorded on a day.
CREATE TABLE attendance (
    activity_id INTEGER NOT NULL REFERENCES activity(id),
    month       TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    hours       REAL NOT NULL CHECK (hours >= 0 AND hours <= 400),
    recorded    TEXT NOT NULL,
    PRIMARY KEY (activity_id, month)
);

-- The first meeting with the unit booked for a new applicant (nybesök): its day.
CREATE TABLE first_visit (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    day     TEXT NOT NULL
);
