-- Broadcasts composed in Telegram: a draft is a broadcast row the organiser
-- fills in step by step (so that a double tap on "Send" sends once: only a
-- draft can be sent), an optional photo, and the organiser's chat where a
-- progress message is edited in place and the report is sent.

-- +goose Up
ALTER TABLE broadcasts DROP CONSTRAINT broadcasts_status_check;
ALTER TABLE broadcasts ADD CONSTRAINT broadcasts_status_check
    CHECK (status IN ('draft', 'scheduled', 'running', 'done', 'cancelled'));
ALTER TABLE broadcasts ADD COLUMN photo text;
ALTER TABLE broadcasts DROP CONSTRAINT broadcasts_text_check;
ALTER TABLE broadcasts ADD CONSTRAINT broadcasts_text_check
    CHECK (status = 'draft' OR text <> '' OR photo IS NOT NULL);
ALTER TABLE broadcasts ADD COLUMN notify_chat bigint;
ALTER TABLE broadcasts ADD COLUMN notify_message integer;
ALTER TABLE broadcasts ADD COLUMN notify_lang text;

COMMENT ON COLUMN broadcasts.photo IS 'Telegram file_id of the photo the text is the caption of, or NULL.';
COMMENT ON COLUMN broadcasts.notify_chat IS 'The organiser''s chat for progress and the report; NULL from the command line or once they erased their data.';
COMMENT ON COLUMN broadcasts.notify_message IS 'The progress message edited in place: 0 while one is being sent, NULL before.';

-- +goose Down
ALTER TABLE broadcasts DROP COLUMN notify_lang;
ALTER TABLE broadcasts DROP COLUMN notify_message;
ALTER TABLE broadcasts DROP COLUMN notify_chat;
DELETE FROM broadcasts WHERE status = 'draft';
UPDATE broadcasts SET text = '(photo)' WHERE text = '';
ALTER TABLE broadcasts DROP CONSTRAINT broadcasts_text_check;
ALTER TABLE broadcasts ADD CONSTRAINT broadcasts_text_check CHECK (text <> '');
ALTER TABLE broadcasts DROP COLUMN photo;
ALTER TABLE broadcasts DROP CONSTRAINT broadcasts_status_check;
ALTER TABLE broadcasts ADD CONSTRAINT broadcasts_status_check
    CHECK (status IN ('scheduled', 'running', 'done', 'cancelled'));
