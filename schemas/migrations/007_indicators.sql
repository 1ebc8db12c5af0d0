-- Key figures (nyckeltal).
-- The applicant's birth year (never a date: the year is all the age statistics need, and a
-- full birth date would come close to a personnummer). NULL = unknown, never guessed.
ALTER TABLE cases ADD COLUMN birth_year INTEGER CHECK (birth_year IS NULL OR birth_year >= 1900);
-- The day of the first contact about a new application (U31402), set only for new applicants.
ALTER TABLE application ADD COLUMN first_contact TEXT
    CHECK (first_contact IS NULL OR first_contact <= received);
-- The municipality's population on 31 December of the year, for the population shares.
CREATE TABLE population (
    year     INTEGER PRIMARY KEY CHECK (year BETWEEN 1900 AND 2200),
    adults   INTEGER NOT NULL CHECK (adults >= 0),
    children INTEGER NOT NULL CHECK (children >= 0),
    total    INTEGER NOT NULL CHECK (total >= adults + children)
);
-- The long-term figures read every paying application by case and month.
CREATE INDEX application_granted_case ON application(case_id, period, amount)
    WHERE decision IN ('granted', 'partly');
-- U31402 reads the applications with a first contact, a few per cent of them.
CREATE INDEX application_first_contact ON application(first_contact, decided, decision)
    WHERE first_contact IS NOT NULL;
