-- The team: who may use the organisers' and analysts' commands in Telegram.
-- One row per person and role; an admin may do everything.

-- +goose Up
CREATE TABLE staff (
    telegram_id bigint      NOT NULL,
    role        text        NOT NULL CHECK (role IN ('admin', 'organiser', 'analyst')),
    granted_at  timestamptz NOT NULL DEFAULT now(),
    granted_by  bigint,
    PRIMARY KEY (telegram_id, role)
);

COMMENT ON TABLE staff IS
    'Roles of team members by Telegram id (admin, organiser, analyst). OPERATIONAL, personal data: do not grant to analysts.';
COMMENT ON COLUMN staff.granted_by IS 'Telegram id of the admin who granted the role; NULL when granted with `hromada admin grant`.';

-- +goose Down
DROP TABLE staff;
