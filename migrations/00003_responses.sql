-- Responses and answers (what analysts read), plus the operational links that
-- let a citizen resume a draft and that enforce "one response per citizen"
-- without tying an anonymous response to a person.

-- +goose Up
CREATE TABLE responses (
    id               bigserial   PRIMARY KEY,
    survey_id        text        NOT NULL,
    survey_version   integer     NOT NULL,
    citizen_id       bigint      REFERENCES citizens (id) ON DELETE CASCADE,
    language         text        NOT NULL CHECK (language ~ '^[a-z]{2,3}$'),
    source           text        NOT NULL CHECK (source <> ''),
    status           text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'completed')),
    current_question text,
    seq              integer     NOT NULL DEFAULT 0 CHECK (seq >= 0),
    started_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    completed_at     timestamptz,
    FOREIGN KEY (survey_id, survey_version) REFERENCES survey_versions (survey_id, version),
    UNIQUE (id, survey_id),
    CONSTRAINT responses_completed_at_check CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
    CONSTRAINT responses_current_question_check CHECK (status = 'draft' OR current_question IS NULL)
);

CREATE INDEX responses_survey_idx ON responses (survey_id, survey_version, status);
CREATE INDEX responses_citizen_idx ON responses (citizen_id) WHERE citizen_id IS NOT NULL;

COMMENT ON TABLE responses IS
    'One citizen''s pass through one survey version. Analysts: count status = ''completed''; drafts are unfinished. Anonymous responses have citizen_id NULL and nothing in the analyst tables links them to a person.';
COMMENT ON COLUMN responses.survey_version IS 'The survey_versions.version the citizen answered; question ids and options are those of that definition.';
COMMENT ON COLUMN responses.citizen_id IS 'The citizen, for named surveys only; NULL for anonymous surveys. Deleting a citizen deletes their named responses.';
COMMENT ON COLUMN responses.language IS 'Language the survey was answered in (ISO 639-1, or 639-3 such as crh).';
COMMENT ON COLUMN responses.source IS 'How the citizen arrived: deeplink, menu, broadcast:<id>, …';
COMMENT ON COLUMN responses.status IS 'draft while in progress, completed once the citizen confirmed. Discarded drafts are deleted.';
COMMENT ON COLUMN responses.current_question IS 'Question being asked while draft (where drop-outs stopped); NULL once completed.';
COMMENT ON COLUMN responses.seq IS 'Step counter of the conversation; a step is applied only when its seq is higher (replays change nothing).';
COMMENT ON COLUMN responses.completed_at IS 'Set exactly when status = ''completed''.';

CREATE TABLE answers (
    response_id bigint      NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_id text        NOT NULL CHECK (question_id <> ''),
    value       jsonb       NOT NULL CHECK (jsonb_typeof(value) = 'object' AND value ->> 'q' = question_id),
    value_text  text        NOT NULL,
    answered_at timestamptz NOT NULL,
    PRIMARY KEY (response_id, question_id)
);

COMMENT ON TABLE answers IS 'One row per answered (or skipped) question of a response; at most one per question.';
COMMENT ON COLUMN answers.question_id IS 'Question id in the response''s survey version definition.';
COMMENT ON COLUMN answers.value IS
    'The answer as JSON: q (question id), skipped, choice (option id), choices (option ids), other (text for "other"), number, text, date (YYYY-MM-DD), phone, lat, lon, at. Only the fields of the question''s type are set.';
COMMENT ON COLUMN answers.value_text IS 'Human-readable rendering of the answer (option labels, number, text) for quick reading and exports.';

CREATE TABLE response_drafts (
    citizen_id  bigint      NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    survey_id   text        NOT NULL,
    response_id bigint      NOT NULL UNIQUE,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (citizen_id, survey_id),
    FOREIGN KEY (response_id, survey_id) REFERENCES responses (id, survey_id) ON DELETE CASCADE
);

COMMENT ON TABLE response_drafts IS
    'OPERATIONAL, do not grant to analysts: which citizen owns which in-progress response, so they can resume it. At most one draft per citizen per survey. The row is deleted when the response is completed or discarded, so no link to an anonymous response remains.';

CREATE TABLE participations (
    survey_id         text        NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    citizen_id        bigint      NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    completed_count   integer     NOT NULL CHECK (completed_count > 0),
    last_completed_at timestamptz NOT NULL,
    PRIMARY KEY (survey_id, citizen_id)
);

CREATE INDEX participations_citizen_idx ON participations (citizen_id);

COMMENT ON TABLE participations IS
    'OPERATIONAL, do not grant to analysts: how many responses a citizen completed per survey, to enforce one response per citizen. It has no response id, so it never links to an anonymous response.';
COMMENT ON COLUMN participations.last_completed_at IS
    'When the latest response was completed; for anonymous responses only the UTC day (midnight), so it cannot be matched to responses.completed_at.';

-- +goose Down
DROP TABLE participations;
DROP TABLE response_drafts;
DROP TABLE answers;
DROP TABLE responses;
