-- What each source of case-system extracts has read (issue 31): hledger's ".latest" idea,
-- kept in the store. A source is the name its rules file gives (ekbist import --rules).
-- import_source_row holds the key of every record the last imports of the source held,
-- by the month it belongs to, so that a record missing from a later extract of the same
-- months can be named (and removed with --delete-missing, audited as any delete).
-- Both are bookkeeping of the import, not the unit's records: each import of a source
-- writes one summary row to the audit instead of one per key.
CREATE TABLE import_source (
    name      TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    kind      TEXT NOT NULL,
    last_file TEXT NOT NULL,
    last_at   TEXT NOT NULL,
    months    TEXT NOT NULL,
    rows      INTEGER NOT NULL CHECK (rows >= 0)
);
CREATE TABLE import_source_row (
    source TEXT NOT NULL REFERENCES import_source (name) ON DELETE CASCADE,
    key    TEXT NOT NULL,
    month  TEXT NOT NULL,
    PRIMARY KEY (source, key)
) WITHOUT ROWID;
CREATE INDEX import_source_row_month ON import_source_row (source, month);
