-- What a broadcast led to: who tapped its button, and which registrations
-- came from it (survey responses keep it in responses.source).

-- +goose Up
CREATE TABLE broadcast_taps (
    broadcast_id bigint      NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    citizen_id   bigint      NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    tapped_at    timestamptz NOT NULL,
    PRIMARY KEY (broadcast_id, citizen_id)
);

COMMENT ON TABLE broadcast_taps IS 'The first tap of each citizen on a broadcast''s button. OPERATIONAL.';

ALTER TABLE registrations ADD COLUMN source text;
COMMENT ON COLUMN registrations.source IS 'How the citizen came to the event: broadcast:<id>, or NULL.';

-- +goose Down
ALTER TABLE registrations DROP COLUMN source;
DROP TABLE broadcast_taps;
