-- Events and the citizens registered for them. Seats, the waitlist and
-- check-in are decided here, under a lock on the event's row, so that
-- concurrent sign-ups on any replica never overfill an event.
-- Reminders, promotions and feedback invitations are River jobs (river_job),
-- inserted in the same transaction as the registration change they follow.

-- +goose Up
CREATE TABLE events (
    id         text        PRIMARY KEY CHECK (id ~ '^[a-z0-9_-]{1,56}$'),
    definition jsonb       NOT NULL CHECK (definition ->> 'id' = id),
    checksum   text        NOT NULL CHECK (checksum <> ''),
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL CHECK (ends_at > starts_at),
    capacity   integer     CHECK (capacity > 0),
    waitlist   boolean     NOT NULL,
    reminders  integer[]   NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE events IS
    'The current definition of each event file, upserted when the bot starts. OPERATIONAL.';
COMMENT ON COLUMN events.capacity IS 'Seats; NULL = unlimited.';
COMMENT ON COLUMN events.reminders IS 'Seconds before starts_at at which confirmed participants are reminded.';

CREATE TABLE registrations (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      text        NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    citizen_id    bigint      NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    status        text        NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    code          text        NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9]{6}$'),
    response_id   bigint      REFERENCES responses (id) ON DELETE SET NULL,
    registered_at timestamptz NOT NULL,
    confirmed_at  timestamptz,
    cancelled_at  timestamptz,
    attended_at   timestamptz,
    CONSTRAINT registrations_confirmed_check CHECK (status <> 'confirmed' OR confirmed_at IS NOT NULL),
    CONSTRAINT registrations_cancelled_check CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CONSTRAINT registrations_attended_check CHECK (attended_at IS NULL OR status = 'confirmed')
);

-- One live registration per citizen and event; a cancelled one may be followed by a new one.
CREATE UNIQUE INDEX registrations_live_idx ON registrations (event_id, citizen_id) WHERE status <> 'cancelled';
CREATE INDEX registrations_waitlist_idx ON registrations (event_id, id) WHERE status = 'waitlisted';
CREATE INDEX registrations_citizen_idx ON registrations (citizen_id);

COMMENT ON TABLE registrations IS
    'Sign-ups for events. id orders arrivals: the waitlist is served by id. OPERATIONAL, personal data: do not grant to analysts.';
COMMENT ON COLUMN registrations.code IS 'Check-in code shown to the participant (6 characters without look-alikes).';
COMMENT ON COLUMN registrations.response_id IS 'The answers to the event''s registration questions, if it has any.';
COMMENT ON COLUMN registrations.confirmed_at IS 'When the seat was given: at registration, or when promoted from the waitlist.';

-- +goose Down
DROP TABLE registrations;
DROP TABLE events;
