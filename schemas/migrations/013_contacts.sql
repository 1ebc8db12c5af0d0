-- Kontakter (issue 29): the requests the unit has promised to answer in time. A contact
-- holds no name and no personnummer: when, what kind, whether the household has children,
-- whose it is (a team, and the handler when it is someone's), optionally a case number, and when it was
-- answered (a call-back made, a visit held). The promises themselves are settings.
CREATE TABLE contact (
    id            INTEGER PRIMARY KEY,
    received      TEXT NOT NULL,
    received_time TEXT CHECK (received_time IS NULL
                              OR (length(received_time) = 5
                                  AND received_time GLOB '[0-2][0-9]:[0-5][0-9]'
                                  AND received_time < '24:00')),
    kind          TEXT NOT NULL
                  CHECK (kind IN ('callback', 'first_visit', 'violence', 'debt', 'other')),
    children      INTEGER NOT NULL DEFAULT 0 CHECK (children IN (0, 1)),
    handler       TEXT REFERENCES handler(id),
    team          TEXT NOT NULL CHECK (team IN ('intake', 'investigation', 'violence', 'debt', 'other')),
    case_id       TEXT CHECK (case_id IS NULL OR length(case_id) BETWEEN 1 AND 40),
    answered      TEXT,
    note          TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    CHECK (answered IS NULL OR answered >= received)
);
-- The morning check reads the unanswered contacts only; reports read by the day received.
CREATE INDEX contact_open ON contact(received, kind) WHERE answered IS NULL;
CREATE INDEX contact_received ON contact(received, kind, children, answered);
CREATE INDEX contact_handler ON contact(handler, received) WHERE handler IS NOT NULL;
CREATE INDEX contact_answered ON contact(answered) WHERE answered IS NOT NULL;
