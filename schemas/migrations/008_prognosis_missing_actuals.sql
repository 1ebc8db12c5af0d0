-- A prognosis made before every month's actuals were booked says so wherever it is shown:
-- the months (1–12, comma-separated) of the row's activity that had no actuals, or NULL.
ALTER TABLE prognosis ADD COLUMN missing_actuals TEXT;
