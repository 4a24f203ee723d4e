-- Broadcasts: one organiser message to many citizens, and one row per
-- recipient. A delivery row is claimed, sent and marked in one transaction
-- that also holds a share lock on the citizen, so a /stop waits for a message
-- in flight and no message goes out after it; rows are claimed with SKIP
-- LOCKED, so any number of workers and replicas share one broadcast.

-- +goose Up
CREATE TABLE broadcasts (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_by    bigint,
    text          text        NOT NULL CHECK (text <> ''),
    button_text   text,
    button_kind   text        CHECK (button_kind IN ('survey', 'event', 'url')),
    button_target text,
    audience      jsonb       NOT NULL,
    status        text        NOT NULL CHECK (status IN ('scheduled', 'running', 'done', 'cancelled')),
    scheduled_at  timestamptz NOT NULL,
    created_at    timestamptz NOT NULL,
    started_at    timestamptz,
    finished_at   timestamptz,
    recipients    integer     NOT NULL DEFAULT 0,
    CHECK ((button_kind IS NULL) = (button_target IS NULL))
);

COMMENT ON TABLE broadcasts IS 'Organisers'' messages to many citizens. OPERATIONAL.';
COMMENT ON COLUMN broadcasts.created_by IS 'Telegram id of the organiser; NULL from the command line or once they erased their data.';
COMMENT ON COLUMN broadcasts.audience IS 'Who gets it: {"language": "uk"} and the like; {} is every subscriber.';

CREATE TABLE broadcast_deliveries (
    broadcast_id bigint      NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    citizen_id   bigint      NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'blocked', 'failed', 'skipped')),
    attempts     integer     NOT NULL DEFAULT 0,
    done_at      timestamptz,
    PRIMARY KEY (broadcast_id, citizen_id)
);

CREATE INDEX broadcast_deliveries_pending_idx ON broadcast_deliveries (broadcast_id, citizen_id) WHERE status = 'pending';

COMMENT ON TABLE broadcast_deliveries IS
    'One row per recipient of a broadcast: pending until sent, blocked (403), failed (after retries) or skipped (unsubscribed meanwhile). OPERATIONAL.';

-- +goose Down
DROP TABLE broadcast_deliveries;
DROP TABLE broadcasts;
