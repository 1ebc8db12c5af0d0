-- The share of applications decided with a current change plan over a long series (issue 29):
-- each case's spans of need and of a current plan reach the applications its case received
-- within them through this index by case and day received. It holds the day decided and the
-- decision too, so the rows it finds need no look-up of the table.
CREATE INDEX IF NOT EXISTS application_case_received
    ON application(case_id, received, decided, decision);
-- The withdrawn applications by the day they were withdrawn: the decided ones per day are
-- those of the index on the day decided less these, without reading the table.
CREATE INDEX IF NOT EXISTS application_withdrawn
    ON application(decided, decision) WHERE decision = 'withdrawn';
