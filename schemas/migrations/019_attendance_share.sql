-- Monthly attendance at an activity (issue 30): recorded either as hours attended in the
-- month or as the share of the planned time present (0–1), not both; recorded = the day it
-- was recorded, which the monthly control compares with the day the application for the
-- next month was decided. The table of migration 015 had hours only and was not used yet,
-- so it is made again with its rows kept.
CREATE TABLE attendance_019 (
    activity_id INTEGER NOT NULL REFERENCES activity(id),
    month       TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    hours       REAL CHECK (hours IS NULL OR (hours >= 0 AND hours <= 400)),
    share       REAL CHECK (share IS NULL OR (share >= 0 AND share <= 1)),
    recorded    TEXT NOT NULL,
    CHECK ((hours IS NULL) <> (share IS NULL)),
    PRIMARY KEY (activity_id, month)
);
INSERT INTO attendance_019 (activity_id, month, hours, share, recorded)
    SELECT activity_id, month, hours, NULL, recorded FROM attendance;
DROP TABLE attendance;
ALTER TABLE attendance_019 RENAME TO attendance;
