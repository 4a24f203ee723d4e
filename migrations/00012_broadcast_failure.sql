-- Why Telegram refused a broadcast's message (malformed formatting, a photo
-- it does not know, not enough Stars for a paid broadcast): the broadcast is
-- stopped rather than failing for every recipient, and the organiser told.

-- +goose Up
ALTER TABLE broadcasts ADD COLUMN failure text;
COMMENT ON COLUMN broadcasts.failure IS 'Telegram''s refusal of the message that stopped the broadcast, or NULL.';

-- +goose Down
ALTER TABLE broadcasts DROP COLUMN failure;
