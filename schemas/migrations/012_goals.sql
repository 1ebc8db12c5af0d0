-- Goals as the annual report holds them (issue 28): city goals (KF:s inriktningsmål and
-- mål för verksamhetsområdet), board goals (nämndmål) and unit goals (enhetsmål) in one
-- hierarchy per year, each with its expected result, analysis and the chief's verdict.
CREATE TABLE goal (
    year     INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    key      TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 40),
    level    TEXT NOT NULL CHECK (level IN ('city', 'board', 'unit')),
    parent   TEXT CHECK (parent IS NULL OR parent <> key),
    wording  TEXT NOT NULL CHECK (length(wording) BETWEEN 1 AND 500),
    expected TEXT CHECK (length(expected) <= 4000),
    analysis TEXT CHECK (length(analysis) <= 8000),
    verdict  TEXT CHECK (verdict IN ('met', 'partly', 'not_met')),
    reason   TEXT CHECK (length(reason) <= 2000),
    CHECK ((verdict IS NULL) = (reason IS NULL)),
    PRIMARY KEY (year, key),
    FOREIGN KEY (year, parent) REFERENCES goal (year, key)
);
CREATE INDEX goal_parent ON goal(year, parent);
-- The activities of a goal (Aktivitet, Startdatum, Slutdatum, Avvikelse).
CREATE TABLE goal_activity (
    year     INTEGER NOT NULL,
    goal     TEXT NOT NULL,
    activity TEXT NOT NULL CHECK (length(activity) BETWEEN 1 AND 500),
    start    TEXT CHECK (start IS NULL OR date(start) = start),
    end      TEXT CHECK (end IS NULL OR date(end) = end),
    status   TEXT NOT NULL DEFAULT 'planned'
             CHECK (status IN ('planned', 'ongoing', 'done', 'deviation')),
    CHECK (start IS NULL OR end IS NULL OR start <= end),
    PRIMARY KEY (year, goal, activity),
    FOREIGN KEY (year, goal) REFERENCES goal (year, key)
);
-- An indicator hangs under a goal; the target table's columns for the city's target and
-- the period (VB 2016).
ALTER TABLE target ADD COLUMN goal TEXT;
ALTER TABLE target ADD COLUMN city_value REAL;
ALTER TABLE target ADD COLUMN period TEXT CHECK (length(period) <= 40);
CREATE INDEX target_goal ON target(year, goal);
-- A manual outcome for men and women (Utfall män/pojkar, kvinnor/flickor).
ALTER TABLE outcome ADD COLUMN men REAL;
ALTER TABLE outcome ADD COLUMN women REAL;
-- The goal a target names is a goal of its year, and a goal with targets stays.
CREATE TRIGGER target_goal_insert BEFORE INSERT ON target
    WHEN NEW.goal IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM goal WHERE year = NEW.year AND key = NEW.goal)
BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed'); END;
CREATE TRIGGER target_goal_update BEFORE UPDATE OF goal, year ON target
    WHEN NEW.goal IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM goal WHERE year = NEW.year AND key = NEW.goal)
BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed'); END;
CREATE TRIGGER goal_keeps_targets BEFORE DELETE ON goal
    WHEN EXISTS (SELECT 1 FROM target WHERE year = OLD.year AND goal = OLD.key)
BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed'); END;
