-- A run that finishes (created finished, or moved to a finished status) in a project with an enabled
-- online evaluator is queued for matching, in the same transaction, whatever the way in (API, events,
-- OTLP). The evaluator job (src/server/evaluators/job.ts) matches filters and sampling and empties it.
CREATE OR REPLACE FUNCTION evaluation_inbox_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM evaluators e WHERE e.project_id = NEW.project_id AND e.online AND e.enabled) THEN
    INSERT INTO evaluation_inbox (run_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER runs_finished_evaluation_insert AFTER INSERT ON runs
  FOR EACH ROW WHEN (NEW.status IN ('succeeded', 'failed', 'cancelled'))
  EXECUTE FUNCTION evaluation_inbox_add();
--> statement-breakpoint
CREATE TRIGGER runs_finished_evaluation_update AFTER UPDATE OF status ON runs
  FOR EACH ROW WHEN (NEW.status IN ('succeeded', 'failed', 'cancelled')
    AND OLD.status NOT IN ('succeeded', 'failed', 'cancelled'))
  EXECUTE FUNCTION evaluation_inbox_add();
