-- The population by age band and sex on 31 December, as Statistics Sweden publishes it
-- (Folkmängden efter region, ålder och kön), for the figures that divide by an age group:
-- young adults 18–24 (Kolada), adults per sex, inhabitants of every age (N31807).
-- A band is the ages age_from to age_to (NULL = and older, SCB's "100+ år"); the bands of
-- one year and sex never overlap (checked by ekbist and by the import, not by SQLite).
CREATE TABLE population_band (
    year     INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    gender   TEXT NOT NULL CHECK (gender IN ('f', 'm')),
    age_from INTEGER NOT NULL CHECK (age_from BETWEEN 0 AND 130),
    age_to   INTEGER CHECK (age_to IS NULL OR age_to BETWEEN age_from AND 130),
    persons  INTEGER NOT NULL CHECK (persons >= 0),
    PRIMARY KEY (year, gender, age_from)
);
