-- Transcript checkpoints (run_transcript_checkpoints) fold a run's events up to a seq: an event
-- inserted at or before a checkpoint's seq (events can arrive out of order; OTLP ingest rebuilds a
-- run's events from seq 0) makes it and every later one stale. A statement trigger, so every write
-- path is covered and an append pays one grouped delete per statement. It runs after the statement's
-- update of the run row and, in READ COMMITTED, sees checkpoints committed meanwhile
-- (src/server/replay/checkpoints.ts writes them holding that row's lock).
CREATE OR REPLACE FUNCTION run_events_invalidate_checkpoints() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM run_transcript_checkpoints c
  USING (SELECT run_id, min(seq) AS seq FROM new_rows GROUP BY run_id) n
  WHERE c.run_id = n.run_id AND c.seq >= n.seq;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER run_events_checkpoints_invalidate AFTER INSERT ON run_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION run_events_invalidate_checkpoints();
