-- Survey definitions, one immutable row per version.

-- +goose Up
CREATE TABLE surveys (
    id         text        PRIMARY KEY CHECK (id ~ '^[a-z0-9_-]{1,64}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE surveys IS 'One row per survey id; its definitions are in survey_versions.';
COMMENT ON COLUMN surveys.id IS 'Survey id from the definition file (lower-case letters, digits, _ and -).';

CREATE TABLE survey_versions (
    survey_id  text        NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    version    integer     NOT NULL CHECK (version > 0),
    definition jsonb       NOT NULL CHECK (definition ->> 'id' = survey_id),
    checksum   text        NOT NULL CHECK (checksum <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (survey_id, version),
    UNIQUE (survey_id, checksum)
);

COMMENT ON TABLE survey_versions IS
    'Immutable survey definitions. A changed definition gets the next version; every response records the version it answered.';
COMMENT ON COLUMN survey_versions.version IS 'Counts from 1 per survey.';
COMMENT ON COLUMN survey_versions.definition IS
    'The validated definition as JSON: questions[] with id, type, text per language, options[] (id, label), show_if, anonymous, multiple.';
COMMENT ON COLUMN survey_versions.checksum IS 'sha256 of the canonical definition JSON; the same definition saved again keeps its version.';

-- +goose Down
DROP TABLE survey_versions;
DROP TABLE surveys;
