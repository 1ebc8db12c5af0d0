-- The unit's store. Dates are ISO 'YYYY-MM-DD' text, money whole kronor (INTEGER).
-- Codes are the stable English codes of ekbist.codes.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Days the unit is closed although they are ordinary working days (lokala stängningsdagar).
CREATE TABLE closed_day (
    day    TEXT PRIMARY KEY,
    reason TEXT NOT NULL
);

-- Derived from the Swedish calendar and closed_day; rebuilt, never audited.
-- workday_no = number of working days from the start of the index up to and including day.
CREATE TABLE calendar_day (
    day        TEXT PRIMARY KEY,
    is_workday INTEGER NOT NULL,
    workday_no INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE workday (
    workday_no INTEGER PRIMARY KEY,
    day        TEXT NOT NULL UNIQUE
);

-- Handläggare.
CREATE TABLE handler (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    team       TEXT NOT NULL CHECK (team IN ('intake', 'investigation', 'violence', 'debt', 'other')),
    fte        REAL NOT NULL CHECK (fte > 0 AND fte <= 1),
    start_date TEXT,
    end_date   TEXT            -- first day no longer employed
);

-- Absence (frånvaro): sick leave, parental leave, long leave.
CREATE TABLE absence (
    id        INTEGER PRIMARY KEY,
    handler   TEXT NOT NULL REFERENCES handler(id),
    from_date TEXT NOT NULL,
    to_date   TEXT,            -- last day away; NULL while still away
    reason    TEXT NOT NULL
);
CREATE INDEX absence_handler ON absence(handler, from_date);

-- Ärende: identified only by the case-management system's case number.
CREATE TABLE cases (
    id           TEXT PRIMARY KEY,
    opened       TEXT NOT NULL,
    closed       TEXT,         -- the case is no longer active from this day
    close_reason TEXT CHECK (close_reason IN ('work', 'studies', 'sickness_comp', 'other_benefit', 'moved', 'other')),
    adults       INTEGER NOT NULL DEFAULT 1 CHECK (adults >= 0),
    children     INTEGER NOT NULL DEFAULT 0 CHECK (children >= 0),
    gender       TEXT CHECK (gender IN ('f', 'm', 'x')),
    homeless     INTEGER NOT NULL DEFAULT 0 CHECK (homeless IN (0, 1)),
    CHECK (closed IS NULL OR closed >= opened),
    CHECK ((closed IS NULL) = (close_reason IS NULL))
);
CREATE INDEX case_opened ON cases(opened);

-- Who handled the case when. from_date inclusive, to_date exclusive (the next assignment's start).
CREATE TABLE assignment (
    id        INTEGER PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES cases(id),
    handler   TEXT NOT NULL REFERENCES handler(id),
    from_date TEXT NOT NULL,
    to_date   TEXT,
    CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE INDEX assignment_case ON assignment(case_id, from_date);
CREATE INDEX assignment_handler ON assignment(handler, from_date);
CREATE UNIQUE INDEX assignment_one_current ON assignment(case_id) WHERE to_date IS NULL;

-- Ansökan om ekonomiskt bistånd. handler = the case's handler on the day the clock started.
CREATE TABLE application (
    id        TEXT PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES cases(id),
    period    TEXT NOT NULL,   -- 'YYYY-MM', the month applied for
    received  TEXT NOT NULL,
    completed TEXT,            -- the day it became complete; the clock starts here
    decided   TEXT,
    decision  TEXT CHECK (decision IN ('granted', 'partly', 'rejected', 'withdrawn')),
    amount    INTEGER,         -- kronor granted
    handler   TEXT REFERENCES handler(id),
    CHECK (completed IS NULL OR completed >= received),
    CHECK (decided IS NULL OR decided >= received),
    CHECK ((decided IS NULL) = (decision IS NULL))
);
CREATE INDEX application_case ON application(case_id, period);
CREATE INDEX application_open ON application(decided) WHERE decided IS NULL;
CREATE INDEX application_completed ON application(completed);
CREATE INDEX application_period ON application(period);

-- Förändringsplan / boendeplan. next_followup is the first follow-up date set when made.
CREATE TABLE plan (
    id            INTEGER PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases(id),
    kind          TEXT NOT NULL CHECK (kind IN ('change', 'housing')),
    made          TEXT NOT NULL,
    next_followup TEXT NOT NULL,
    ended         TEXT,
    CHECK (next_followup > made),
    CHECK (ended IS NULL OR ended >= made)
);
CREATE UNIQUE INDEX plan_one_open ON plan(case_id, kind) WHERE ended IS NULL;
CREATE INDEX plan_case ON plan(case_id, kind, made);

-- Uppföljning: each follow-up sets the next one.
CREATE TABLE followup (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plan(id),
    date          TEXT NOT NULL,
    next_followup TEXT NOT NULL,
    CHECK (next_followup > date)
);
CREATE INDEX followup_plan ON followup(plan_id, date);

-- Budget lines (intäkts- och kostnadsslag); a unit may add its own.
CREATE TABLE budget_line (
    name     TEXT PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('revenue', 'cost')),
    position INTEGER NOT NULL
);
INSERT INTO budget_line (name, kind, position) VALUES
    ('Förvaltningsinterna intäkter', 'revenue', 10),
    ('Bidrag', 'revenue', 20),
    ('Försäljning av verksamhet', 'revenue', 30),
    ('Övriga externa intäkter', 'revenue', 40),
    ('Förvaltningsinterna kostnader', 'cost', 110),
    ('Personalkostnader', 'cost', 120),
    ('Övriga personalkostnader', 'cost', 130),
    ('Lokalkostnader', 'cost', 140),
    ('Entreprenader och köp av verksamhet', 'cost', 150),
    ('Övriga kostnader', 'cost', 160);

CREATE TABLE budget (
    year     INTEGER NOT NULL,
    activity TEXT NOT NULL,
    line     TEXT NOT NULL REFERENCES budget_line(name),
    amount   INTEGER NOT NULL,
    PRIMARY KEY (year, activity, line)
);

-- Utfall per month.
CREATE TABLE actual (
    year     INTEGER NOT NULL,
    month    INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    activity TEXT NOT NULL,
    line     TEXT NOT NULL REFERENCES budget_line(name),
    amount   INTEGER NOT NULL,
    PRIMARY KEY (year, month, activity, line)
);

-- A saved monthly prognosis, one per year and month.
CREATE TABLE prognosis (
    year       INTEGER NOT NULL,
    month      INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    activity   TEXT NOT NULL,
    line       TEXT NOT NULL REFERENCES budget_line(name),
    budget     INTEGER NOT NULL,
    actual_ytd INTEGER NOT NULL,
    prognosis  INTEGER NOT NULL,
    method     TEXT NOT NULL,
    comment    TEXT,
    saved_on   TEXT NOT NULL,
    PRIMARY KEY (year, month, activity, line)
);

-- Every insert, update and delete, written by temporary triggers of each writing connection.
CREATE TABLE audit (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    os_user TEXT NOT NULL,
    command TEXT NOT NULL,
    tbl     TEXT NOT NULL,
    key     TEXT NOT NULL,
    action  TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    before  TEXT,
    after   TEXT
);
CREATE INDEX audit_at ON audit(at);
