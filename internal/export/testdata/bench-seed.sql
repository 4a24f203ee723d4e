-- Seed data of BenchmarkExport and of the peak-memory measurement in
-- docs/export.md: survey "bench" (10 questions, every kind of answer) with
-- current_setting('bench.responses') completed responses of as many citizens,
-- every question answered (one in ten comments skipped, one in five "other"
-- with a text). Run on a migrated database, then vacuum (as the benchmark
-- does), or the first exports pay for the fresh tables' first reads:
--
--   PGOPTIONS='-c bench.responses=100000' psql "$DATABASE_URL" -f bench-seed.sql -c 'VACUUM (FREEZE, ANALYZE)'

INSERT INTO surveys (id) VALUES ('bench');
INSERT INTO survey_versions (survey_id, version, checksum, definition) VALUES ('bench', 1, 'bench', $json$
{"id": "bench", "title": {"uk": "Тест швидкості"}, "languages": ["uk", "en"], "timezone": "Europe/Kyiv",
 "anonymous": false, "multiple": false, "questions": [
  {"id": "district", "type": "single", "text": {"uk": "Район?"}, "options": [
     {"id": "center", "label": {"uk": "Центр"}}, {"id": "north", "label": {"uk": "Північ"}}, {"id": "south", "label": {"uk": "Південь"}}],
   "other": {"uk": "Інший"}},
  {"id": "topics", "type": "multi", "text": {"uk": "Що важливо?"}, "options": [
     {"id": "roads", "label": {"uk": "Дороги"}}, {"id": "parks", "label": {"uk": "Парки"}},
     {"id": "schools", "label": {"uk": "Школи"}}, {"id": "transport", "label": {"uk": "Транспорт"}}]},
  {"id": "trust", "type": "scale", "text": {"uk": "Довіра?"}, "scale_min": 1, "scale_max": 5},
  {"id": "age", "type": "number", "text": {"uk": "Вік?"}, "integer": true},
  {"id": "displaced", "type": "yesno", "text": {"uk": "Переїхали?"}},
  {"id": "region", "type": "region", "text": {"uk": "Область?"}},
  {"id": "moved_on", "type": "date", "text": {"uk": "Коли?"}},
  {"id": "spend", "type": "number", "text": {"uk": "Витрати?"}},
  {"id": "vote", "type": "yesno", "text": {"uk": "Голосуватимете?"}},
  {"id": "comment", "type": "text", "text": {"uk": "Коментар"}, "optional": true}
 ]}
$json$);

INSERT INTO citizens (telegram_id, language, created_at, updated_at)
SELECT 5000000000 + i, 'uk', '2026-03-01 10:00+00', '2026-03-01 10:00+00'
FROM generate_series(1, current_setting('bench.responses')::int) i;

INSERT INTO responses (survey_id, survey_version, citizen_id, language, source, status, seq,
                       started_at, updated_at, completed_at)
SELECT 'bench', 1, id, 'uk', CASE WHEN id % 3 = 0 THEN 'broadcast:1' ELSE 'deeplink' END, 'completed', 12,
       t, t + interval '5 min', t + interval '5 min'
FROM (SELECT id, timestamptz '2026-03-01 10:00+00' + id * interval '7 seconds' AS t FROM citizens) c;

INSERT INTO answers (response_id, question_id, value, value_text, answered_at)
SELECT r.id, q.id, jsonb_build_object('q', q.id, 'at', r.started_at + q.n * interval '20 seconds') || q.v, q.txt,
       r.started_at + q.n * interval '20 seconds'
FROM responses r
CROSS JOIN LATERAL (VALUES
  (1, 'district', CASE WHEN r.id % 5 = 0
                       THEN jsonb_build_object('choice', 'other', 'other', 'Лівий берег, біля "мосту"')
                       ELSE jsonb_build_object('choice', (ARRAY['center', 'north', 'south'])[1 + r.id % 3]) END, 'Центр'),
  (2, 'topics', jsonb_build_object('choices', CASE r.id % 4 WHEN 0 THEN '["roads"]'::jsonb
                                                           WHEN 1 THEN '["roads", "schools"]'
                                                           WHEN 2 THEN '["parks", "schools", "transport"]'
                                                           ELSE '["transport"]' END), 'Дороги; Школи'),
  (3, 'trust', jsonb_build_object('number', 1 + r.id % 5), '4'),
  (4, 'age', jsonb_build_object('number', 18 + r.id % 70), '35'),
  (5, 'displaced', jsonb_build_object('choice', CASE WHEN r.id % 2 = 0 THEN 'yes' ELSE 'no' END), 'Так'),
  (6, 'region', jsonb_build_object('choice', (ARRAY['UA-05', 'UA-14', 'UA-30', 'UA-46', 'UA-63', 'outside'])[1 + r.id % 6]), 'Область'),
  (7, 'moved_on', jsonb_build_object('date', to_char(date '2022-02-24' + (r.id % 1000)::int, 'YYYY-MM-DD')), '24.02.2022'),
  (8, 'spend', jsonb_build_object('number', (r.id % 10000) / 4.0), '1234,5'),
  (9, 'vote', jsonb_build_object('choice', CASE WHEN r.id % 3 = 0 THEN 'no' ELSE 'yes' END), 'Так'),
  (10, 'comment', CASE WHEN r.id % 10 = 0 THEN '{"skipped": true}'::jsonb
                       ELSE jsonb_build_object('text', 'Коментар №' || r.id || ', з комою і "лапками"') END, 'Коментар')
) AS q (n, id, v, txt)
WHERE r.survey_id = 'bench';
