-- Content search: the search words of runs stored before it existed, built from their events with the
-- same text expression the event append uses (src/server/search/text.ts). Runs without events keep null.
UPDATE "runs" r SET "search" = w.words
FROM (
  SELECT e.run_id, strip(to_tsvector('simple'::regconfig, concat_ws(' ',
    string_agg(t.txt, ' ' ORDER BY e.seq) FILTER (WHERE e.type NOT IN ('text-delta', 'text-start', 'text-end')),
    string_agg(t.txt, '' ORDER BY e.seq) FILTER (WHERE e.type IN ('text-delta', 'text-start', 'text-end'))))) AS words
  FROM "run_events" e
  CROSS JOIN LATERAL (SELECT CASE e.type
    WHEN 'user-message' THEN e.payload->>'text'
    WHEN 'text-delta' THEN e.payload->>'delta'
    WHEN 'text-start' THEN ' '
    WHEN 'text-end' THEN ' '
    WHEN 'tool-input-start' THEN e.payload->>'toolName'
    WHEN 'tool-input-available' THEN e.payload->>'toolName'
    WHEN 'tool-output-error' THEN e.payload->>'errorText'
    WHEN 'error' THEN e.payload->>'errorText'
  END AS txt) t
  GROUP BY e.run_id
) w
WHERE r.id = w.run_id AND r."search" IS NULL;
