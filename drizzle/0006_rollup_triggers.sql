-- Maintained summaries (see src/db/schema/usage.ts usage_daily and runs.ts run_models). Triggers, so
-- every write path keeps them in the same transaction as the rows they summarize.

-- The ledger per UTC day, subject and model: one upsert per inserted statement, rows grouped first.
CREATE OR REPLACE FUNCTION usage_daily_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_daily AS d (project_id, metric, day, subject, model, total)
  SELECT project_id, metric, date_trunc('day', occurred_at, 'UTC'), subject, coalesce(model, ''), sum(amount)
  FROM new_rows
  GROUP BY 1, 2, 3, 4, 5
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (project_id, metric, day, subject, model) DO UPDATE SET total = d.total + excluded.total;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER usage_events_daily_rollup AFTER INSERT ON usage_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_daily_add();
--> statement-breakpoint
INSERT INTO usage_daily (project_id, metric, day, subject, model, total)
SELECT project_id, metric, date_trunc('day', occurred_at, 'UTC'), subject, coalesce(model, ''), sum(amount)
FROM usage_events GROUP BY 1, 2, 3, 4, 5
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- The models of a project's runs: added when a run is created or its model set; removed by retention.
CREATE OR REPLACE FUNCTION run_models_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO run_models (project_id, model) VALUES (NEW.project_id, NEW.model) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER runs_model_insert AFTER INSERT ON runs
  FOR EACH ROW WHEN (NEW.model IS NOT NULL) EXECUTE FUNCTION run_models_add();
--> statement-breakpoint
CREATE TRIGGER runs_model_update AFTER UPDATE OF model ON runs
  FOR EACH ROW WHEN (NEW.model IS NOT NULL AND NEW.model IS DISTINCT FROM OLD.model) EXECUTE FUNCTION run_models_add();
--> statement-breakpoint
INSERT INTO run_models (project_id, model)
SELECT DISTINCT project_id, model FROM runs WHERE model IS NOT NULL
ON CONFLICT DO NOTHING;
