-- Citizens and their consent decisions. Operational tables: they hold Telegram
-- ids, so analysts get responses and answers, never these.

-- +goose Up
CREATE TABLE citizens (
    id          bigserial   PRIMARY KEY,
    telegram_id bigint      NOT NULL UNIQUE,
    language    text        NOT NULL CHECK (language ~ '^[a-z]{2}$'),
    subscribed  boolean     NOT NULL DEFAULT true,
    reachable   boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE citizens IS
    'People who accepted the privacy notice. OPERATIONAL, personal data (telegram_id): do not grant to analysts. A citizen who declines is never stored.';
COMMENT ON COLUMN citizens.id IS 'Internal citizen id; named responses point here.';
COMMENT ON COLUMN citizens.telegram_id IS 'Telegram user id (= private chat id). Personal data.';
COMMENT ON COLUMN citizens.language IS 'Chosen interface language, ISO 639-1 code (uk, en, …).';
COMMENT ON COLUMN citizens.subscribed IS 'False once the citizen opted out of broadcasts.';
COMMENT ON COLUMN citizens.reachable IS 'False once Telegram answered 403 (the citizen blocked the bot); set true again when they write.';

CREATE TABLE consents (
    id             bigserial   PRIMARY KEY,
    citizen_id     bigint      NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    notice_version text        NOT NULL CHECK (notice_version <> ''),
    accepted       boolean     NOT NULL,
    decided_at     timestamptz NOT NULL
);

CREATE INDEX consents_citizen_idx ON consents (citizen_id, decided_at DESC, id DESC);

COMMENT ON TABLE consents IS
    'Every consent decision, append-only: which privacy notice version the citizen accepted (or withdrew), and when. OPERATIONAL.';
COMMENT ON COLUMN consents.notice_version IS 'Version label of the privacy notice shown.';
COMMENT ON COLUMN consents.accepted IS 'True for acceptance; false records a withdrawal.';

-- +goose Down
DROP TABLE consents;
DROP TABLE citizens;
