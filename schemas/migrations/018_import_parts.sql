-- Several reports make one record (issue 31): a case system's report may bring only part of
-- a record that another report brings (the decisions of the applications another report
-- lists), joined on the record's key, the case system's own id. A row of such a report
-- whose record is not in the store yet waits here, as stored values, until the report that
-- brings the record is imported; then both halves are written as one record and the row
-- leaves this table. Every change here is audited row by row, as the unit's records are.
CREATE TABLE import_pending (
    source TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 100),
    kind   TEXT NOT NULL,
    key    TEXT NOT NULL,
    month  TEXT NOT NULL,
    fields TEXT NOT NULL CHECK (json_valid(fields)),   -- {"field": stored value, ...}
    PRIMARY KEY (source, key)
) WITHOUT ROWID;
CREATE INDEX import_pending_key ON import_pending (kind, key);
-- The fields each source's report reads, and those it fills into records another report
-- brings (empty for a report that brings whole records), space-separated: a field is
-- brought by one report only, so two reports never write over each other.
ALTER TABLE import_source ADD COLUMN fields TEXT NOT NULL DEFAULT '';
ALTER TABLE import_source ADD COLUMN fills TEXT NOT NULL DEFAULT '';
