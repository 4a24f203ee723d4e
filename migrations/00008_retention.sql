-- What the daily retention job deleted: typed answers, phone numbers and
-- locations kept no longer than their survey (or the operator's default for
-- contact data) allows.

-- +goose Up
CREATE TABLE retention_runs (
    id          bigserial   PRIMARY KEY,
    ran_at      timestamptz NOT NULL,
    survey_id   text        NOT NULL,
    question_id text        NOT NULL,
    kept_for    interval    NOT NULL CHECK (kept_for > interval '0'),
    deleted     integer     NOT NULL CHECK (deleted >= 0)
);

CREATE INDEX retention_runs_ran_at_idx ON retention_runs (ran_at);

COMMENT ON TABLE retention_runs IS
    'One row per survey question and run of the retention job: how many answers older than kept_for it deleted. No personal data.';

-- +goose Down
DROP TABLE retention_runs;
