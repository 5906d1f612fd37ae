-- Run cost per day of start, model and user (run_cost_daily, see src/db/schema/runs.ts), kept by row
-- triggers on runs: a run's old contribution is taken out (a plain UPDATE: its cell exists, and a run
-- deleted with its project finds the cell already gone) and its new one added (an upsert).
CREATE OR REPLACE FUNCTION run_cost_daily_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.cost_usd > 0 THEN
    UPDATE run_cost_daily SET usd = usd - OLD.cost_usd::numeric, runs = runs - 1
    WHERE project_id = OLD.project_id
      AND day = date_trunc('day', coalesce(OLD.started_at, OLD.created_at), 'UTC')
      AND model = coalesce(OLD.model, '') AND user_id = coalesce(OLD.user_id, '');
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.cost_usd > 0 THEN
    INSERT INTO run_cost_daily AS c (project_id, day, model, user_id, usd, runs)
    VALUES (NEW.project_id, date_trunc('day', coalesce(NEW.started_at, NEW.created_at), 'UTC'),
            coalesce(NEW.model, ''), coalesce(NEW.user_id, ''), NEW.cost_usd::numeric, 1)
    ON CONFLICT (project_id, day, model, user_id)
    DO UPDATE SET usd = c.usd + excluded.usd, runs = c.runs + 1;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER runs_cost_insert AFTER INSERT ON runs
  FOR EACH ROW WHEN (NEW.cost_usd > 0) EXECUTE FUNCTION run_cost_daily_apply();
--> statement-breakpoint
CREATE TRIGGER runs_cost_update AFTER UPDATE OF cost_usd, model, user_id, started_at, created_at, project_id ON runs
  FOR EACH ROW WHEN ((OLD.cost_usd > 0 OR NEW.cost_usd > 0) AND
    (OLD.cost_usd, OLD.model, OLD.user_id, OLD.started_at, OLD.created_at, OLD.project_id)
      IS DISTINCT FROM (NEW.cost_usd, NEW.model, NEW.user_id, NEW.started_at, NEW.created_at, NEW.project_id))
  EXECUTE FUNCTION run_cost_daily_apply();
--> statement-breakpoint
CREATE TRIGGER runs_cost_delete AFTER DELETE ON runs
  FOR EACH ROW WHEN (OLD.cost_usd > 0) EXECUTE FUNCTION run_cost_daily_apply();
--> statement-breakpoint
INSERT INTO run_cost_daily (project_id, day, model, user_id, usd, runs)
SELECT project_id, date_trunc('day', coalesce(started_at, created_at), 'UTC'), coalesce(model, ''),
  coalesce(user_id, ''), sum(cost_usd::numeric), count(*)
FROM runs WHERE cost_usd > 0 GROUP BY 1, 2, 3, 4
ON CONFLICT DO NOTHING;
