-- Temporary cover (tillfällig täckning): another handler carries a case for a dated
-- period, and the case comes back by itself after its last day. A cover is a dated
-- record, not a move: the case's assignment (its own handler) stays as it was.
-- absence: the absence it was recorded with (`handler away --cover-by`), so that
-- `handler back` ends the covers of that absence too.
CREATE TABLE cover (
    id        INTEGER PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES cases(id),
    handler   TEXT NOT NULL REFERENCES handler(id),
    from_date TEXT NOT NULL,
    to_date   TEXT,            -- last day covered; NULL until further notice
    absence   INTEGER REFERENCES absence(id),
    CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE INDEX cover_case ON cover(case_id, from_date);
CREATE INDEX cover_handler ON cover(handler, from_date);
