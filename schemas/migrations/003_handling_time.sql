-- Handling time (issue 4).
-- The report reads applications by clock-start range and needs only these columns:
-- a covering index keeps a year of a city-size unit an index range scan. It starts
-- with completed, so it replaces application_completed.
CREATE INDEX application_clock ON application(completed, decided, received, handler);
DROP INDEX application_completed;
-- The morning check looks back "as of --today": undecided on that day means
-- decided IS NULL or decided after it.
CREATE INDEX application_decided ON application(decided);
