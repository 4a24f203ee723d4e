-- Tokens of the HTTP API (analysts' downloads). Only a hash of each token is
-- kept; the token itself is shown once, when it is created.

-- +goose Up
CREATE TABLE api_tokens (
    id           bigserial   PRIMARY KEY,
    name         text        NOT NULL CHECK (name <> ''),
    role         text        NOT NULL CHECK (role IN ('admin', 'organiser', 'analyst')),
    token_hash   bytea       NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    last_used_at timestamptz
);

COMMENT ON TABLE api_tokens IS
    'Bearer tokens of the HTTP API: SHA-256 of the token, its role, when revoked. OPERATIONAL: do not grant to analysts.';

-- +goose Down
DROP TABLE api_tokens;
