-- SQL for analysts: read-only views in the schema analytics, and the role
-- hromada_analyst that may read them and nothing else. The views hide Telegram
-- ids, names, phone numbers and locations, give named respondents a pseudonym,
-- and blur the times and ids of anonymous responses. docs/analytics.md explains
-- every column and how to give an analyst a login.
--
-- Rules the views keep (and any view added later must keep):
--   * nothing from citizens, consents, response_drafts, participations or
--     analytics_secret is shown; citizen_id only as the keyed pseudonym;
--   * answers to phone, location and sensitive questions show only whether
--     they were answered; free text has phone-like digit runs masked;
--   * an anonymous response (citizen_id NULL) shows days, not times, and a
--     random-looking negative id instead of its serial id;
--   * every view has an ORDER BY, so rows never come out in insertion order
--     (which would place an anonymous response between two named ones).

-- +goose Up
CREATE TABLE analytics_secret (
    id         boolean     PRIMARY KEY DEFAULT true CHECK (id),
    secret     bytea       NOT NULL CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON analytics_secret FROM PUBLIC;

COMMENT ON TABLE analytics_secret IS
    'OPERATIONAL, never grant: the key of the pseudonyms in the analytics views (respondent ids, ids of anonymous responses). One row. Replacing it changes every pseudonym.';

-- Two random UUIDs: 244 random bits from the server's strong random source.
INSERT INTO analytics_secret (secret)
VALUES (decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

CREATE SCHEMA analytics;

COMMENT ON SCHEMA analytics IS
    'Read-only views for analysts (role hromada_analyst): no Telegram ids, names, phone numbers or locations. See docs/analytics.md.';

CREATE VIEW analytics.surveys AS
SELECT v.survey_id,
       v.version AS survey_version,
       v.definition -> 'title' ->> (v.definition -> 'languages' ->> 0) AS title,
       v.definition -> 'title' AS titles,
       ARRAY(SELECT jsonb_array_elements_text(v.definition -> 'languages')) AS languages,
       coalesce((v.definition ->> 'anonymous')::boolean, false) AS anonymous,
       coalesce((v.definition ->> 'multiple')::boolean, false) AS multiple,
       (v.definition ->> 'opens')::timestamptz AS opens,
       (v.definition ->> 'closes')::timestamptz AS closes,
       (SELECT count(*)::integer
        FROM jsonb_array_elements(v.definition -> 'questions') AS q
        WHERE q ->> 'type' IS DISTINCT FROM 'note') AS question_count,
       v.created_at AS created
FROM survey_versions v
ORDER BY v.survey_id, v.version;

COMMENT ON VIEW analytics.surveys IS 'One row per survey version.';
COMMENT ON COLUMN analytics.surveys.title IS 'Title in the survey''s first (default) language.';
COMMENT ON COLUMN analytics.surveys.titles IS 'Title per language, e.g. {"uk": "…", "en": "…"}.';
COMMENT ON COLUMN analytics.surveys.anonymous IS 'Anonymous survey: its responses have no respondent, and only days instead of times.';
COMMENT ON COLUMN analytics.surveys.multiple IS 'A citizen may complete it more than once.';
COMMENT ON COLUMN analytics.surveys.question_count IS 'Questions that take an answer (notes not counted).';
COMMENT ON COLUMN analytics.surveys.created IS 'When this version was first registered.';

CREATE VIEW analytics.questions AS
SELECT v.survey_id,
       v.version AS survey_version,
       q.value ->> 'id' AS question_id,
       q.position::integer AS position,
       q.value ->> 'type' AS type,
       q.value -> 'text' ->> (v.definition -> 'languages' ->> 0) AS text,
       q.value -> 'text' AS texts,
       coalesce((q.value ->> 'optional')::boolean, false) AS optional,
       coalesce((q.value ->> 'sensitive')::boolean, false)
           OR coalesce(q.value ->> 'type' IN ('phone', 'location'), true) AS sensitive,
       q.value -> 'options' AS options,
       q.value -> 'other' AS other,
       q.value -> 'show_if' AS show_if
FROM survey_versions v
CROSS JOIN LATERAL jsonb_array_elements(v.definition -> 'questions') WITH ORDINALITY AS q (value, position)
ORDER BY v.survey_id, v.version, q.position;

COMMENT ON VIEW analytics.questions IS 'One row per question of a survey version, in definition order (notes included).';
COMMENT ON COLUMN analytics.questions.position IS 'Place in the definition, from 1.';
COMMENT ON COLUMN analytics.questions.type IS 'single, multi, scale, yesno, text, number, date, region, phone, location or note.';
COMMENT ON COLUMN analytics.questions.text IS 'Question text in the survey''s first language.';
COMMENT ON COLUMN analytics.questions.texts IS 'Question text per language.';
COMMENT ON COLUMN analytics.questions.sensitive IS 'Phone, location or marked sensitive: analytics.answers shows only whether it was answered.';
COMMENT ON COLUMN analytics.questions.options IS 'single and multi: [{"id": …, "label": {"uk": …}}]. NULL for yesno (ids yes, no) and region (built-in ids).';
COMMENT ON COLUMN analytics.questions.other IS 'Label per language of the extra option "other" (with free text), when the question has one.';
COMMENT ON COLUMN analytics.questions.show_if IS 'Condition on earlier answers under which the question is asked; NULL = always.';

CREATE VIEW analytics.responses AS
SELECT CASE WHEN r.citizen_id IS NULL
            THEN -1 - ('x' || left(encode(sha256(k.secret || convert_to('response:', 'UTF8') || int8send(r.id)), 'hex'), 15))::bit(60)::bigint
            ELSE r.id
       END AS response_id,
       CASE WHEN r.citizen_id IS NOT NULL
            THEN left(encode(sha256(k.secret || convert_to('respondent:', 'UTF8') || int8send(r.citizen_id)), 'hex'), 16)
       END AS respondent,
       r.citizen_id IS NULL AS anonymous,
       r.survey_id,
       r.survey_version,
       r.language,
       r.source,
       r.status,
       r.current_question,
       CASE WHEN r.citizen_id IS NULL THEN date_trunc('day', r.started_at, 'UTC') ELSE r.started_at END AS started,
       CASE WHEN r.citizen_id IS NULL THEN date_trunc('day', r.completed_at, 'UTC') ELSE r.completed_at END AS submitted,
       CASE WHEN r.citizen_id IS NULL
            THEN (round(extract(epoch FROM r.completed_at - r.started_at) / 60) * 60)::integer
            ELSE round(extract(epoch FROM r.completed_at - r.started_at))::integer
       END AS duration_seconds
FROM responses r
CROSS JOIN analytics_secret k
ORDER BY survey_id, started, response_id;

COMMENT ON VIEW analytics.responses IS
    'One row per response, drafts included (status). Anonymous responses: negative random-looking response_id, no respondent, started/submitted as the UTC day, duration to the minute.';
COMMENT ON COLUMN analytics.responses.response_id IS
    'Named responses: the response id of the bot and its exports. Anonymous: a stable negative number that does not reveal the order of responses.';
COMMENT ON COLUMN analytics.responses.respondent IS
    'Pseudonym of the citizen (16 hex digits), the same across surveys; NULL for anonymous responses. Not the respondent id of the exports.';
COMMENT ON COLUMN analytics.responses.source IS 'How the citizen arrived: deeplink, menu, broadcast:<id>, …';
COMMENT ON COLUMN analytics.responses.status IS 'draft (unfinished) or completed.';
COMMENT ON COLUMN analytics.responses.current_question IS 'Draft: the question being asked (where a drop-out stopped). NULL once completed.';
COMMENT ON COLUMN analytics.responses.started IS 'When the response began; anonymous: midnight UTC of that day.';
COMMENT ON COLUMN analytics.responses.submitted IS 'When the citizen confirmed it; NULL for drafts; anonymous: midnight UTC of that day.';
COMMENT ON COLUMN analytics.responses.duration_seconds IS 'submitted - started in seconds, from the exact times; anonymous: rounded to whole minutes.';

CREATE VIEW analytics.answers AS
SELECT CASE WHEN r.citizen_id IS NULL
            THEN -1 - ('x' || left(encode(sha256(k.secret || convert_to('response:', 'UTF8') || int8send(r.id)), 'hex'), 15))::bit(60)::bigint
            ELSE r.id
       END AS response_id, -- the same expression as analytics.responses.response_id
       r.survey_id,
       r.survey_version,
       a.question_id,
       q.position,
       q.type AS question_type,
       h.hidden,
       h.skipped,
       CASE WHEN h.hidden
            THEN jsonb_build_object('q', a.question_id, 'hidden', true)
                 || CASE WHEN h.skipped THEN '{"skipped": true}'::jsonb ELSE '{}'::jsonb END
            ELSE (a.value - 'at')
                 || CASE WHEN a.value ? 'text'
                         THEN jsonb_build_object('text', regexp_replace(a.value ->> 'text', m.pattern, m.mask, 'g'))
                         ELSE '{}'::jsonb END
                 || CASE WHEN a.value ? 'other'
                         THEN jsonb_build_object('other', regexp_replace(a.value ->> 'other', m.pattern, m.mask, 'g'))
                         ELSE '{}'::jsonb END
       END AS value,
       CASE WHEN h.hidden AND h.skipped THEN '—'
            WHEN h.hidden THEN '[hidden]'
            WHEN a.value ? 'text' OR a.value ? 'other' THEN regexp_replace(a.value_text, m.pattern, m.mask, 'g')
            ELSE a.value_text -- labels, numbers, dates: no free text
       END AS value_text,
       CASE WHEN r.citizen_id IS NULL THEN date_trunc('day', a.answered_at, 'UTC') ELSE a.answered_at END AS answered_at
FROM answers a
JOIN responses r ON r.id = a.response_id
LEFT JOIN analytics.questions q
       ON q.survey_id = r.survey_id AND q.survey_version = r.survey_version AND q.question_id = a.question_id
CROSS JOIN analytics_secret k
-- A run of 9 or more digits, up to two of ( ) . - or space between them:
-- +380 50 123 45 67, (050) 123-45-67, 0501234567.
CROSS JOIN (VALUES ('\+?\d(?:[ ().-]{0,2}\d){8,}', '[number hidden]')) AS m (pattern, mask)
CROSS JOIN LATERAL (
    SELECT coalesce(q.sensitive, true) AS hidden, -- a question missing from its definition stays hidden
           coalesce((a.value ->> 'skipped')::boolean, false) AS skipped
) AS h
ORDER BY response_id, q.position, a.question_id;

COMMENT ON VIEW analytics.answers IS
    'One row per answered or skipped question. Phone, location and sensitive questions: value {"q", "hidden": true[, "skipped": true]}, value_text [hidden] or —. Runs of 9+ digits in free text read [number hidden].';
COMMENT ON COLUMN analytics.answers.response_id IS 'analytics.responses.response_id.';
COMMENT ON COLUMN analytics.answers.position IS 'Place of the question in its definition (analytics.questions.position).';
COMMENT ON COLUMN analytics.answers.hidden IS 'The value is withheld (phone, location or sensitive question); only skipped tells whether it was answered.';
COMMENT ON COLUMN analytics.answers.skipped IS 'The citizen pressed Skip.';
COMMENT ON COLUMN analytics.answers.value IS
    'The answer as JSON: q, skipped, choice, choices, other, number, text, date. Without the time (see answered_at).';
COMMENT ON COLUMN analytics.answers.value_text IS 'Readable answer (option labels in the response''s language, number, text); — when skipped.';
COMMENT ON COLUMN analytics.answers.answered_at IS 'When the answer was given (last changed); anonymous: midnight UTC of that day.';

-- The role is cluster-wide: other databases of the cluster (another
-- environment, the sandbox, tests) may have created it already, possibly at
-- this very moment. A migration user without CREATEROLE gets the views but no
-- role: the bot must start anyway; docs/analytics.md says how to add it later.
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hromada_analyst') THEN
        BEGIN
            CREATE ROLE hromada_analyst NOLOGIN;
            COMMENT ON ROLE hromada_analyst IS
                'Hromada analysts: SELECT on the views of schema analytics, nothing else. Give each analyst a login IN ROLE hromada_analyst.';
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL; -- created meanwhile by the migration of another database
            WHEN insufficient_privilege THEN
                RAISE WARNING 'role hromada_analyst not created: % (see docs/analytics.md)', SQLERRM;
        END;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'hromada_analyst') THEN
        GRANT USAGE ON SCHEMA analytics TO hromada_analyst;
        GRANT SELECT ON analytics.surveys, analytics.questions, analytics.responses, analytics.answers TO hromada_analyst;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- Dropping the views and the schema takes this database's grants with them.
-- The role itself stays: it is cluster-wide, other databases may grant to it,
-- and dropping it would silently take analysts' logins out of it.
DROP VIEW analytics.answers;
DROP VIEW analytics.responses;
DROP VIEW analytics.questions;
DROP VIEW analytics.surveys;
DROP SCHEMA analytics;
DROP TABLE analytics_secret;
