-- The hourly rollup (usage_hourly, see src/db/schema/usage.ts) is kept by the same statement trigger as
-- the daily one: one trigger call per inserted statement upserts both, rows grouped and sorted first (so
-- concurrent writers take the rollup rows' locks in one order).
CREATE OR REPLACE FUNCTION usage_rollups_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_daily AS d (project_id, metric, day, subject, model, total)
  SELECT project_id, metric, date_trunc('day', occurred_at, 'UTC'), subject, coalesce(model, ''), sum(amount)
  FROM new_rows
  GROUP BY 1, 2, 3, 4, 5
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (project_id, metric, day, subject, model) DO UPDATE SET total = d.total + excluded.total;
  INSERT INTO usage_hourly AS h (project_id, metric, hour, subject, total)
  SELECT project_id, metric, date_trunc('hour', occurred_at, 'UTC'), subject, sum(amount)
  FROM new_rows
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (project_id, metric, hour, subject) DO UPDATE SET total = h.total + excluded.total;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS usage_events_daily_rollup ON usage_events;
--> statement-breakpoint
CREATE TRIGGER usage_events_rollups AFTER INSERT ON usage_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollups_add();
--> statement-breakpoint
DROP FUNCTION IF EXISTS usage_daily_add();
--> statement-breakpoint
-- Backfill from the ledger kept so far.
INSERT INTO usage_hourly (project_id, metric, hour, subject, total)
SELECT project_id, metric, date_trunc('hour', occurred_at, 'UTC'), subject, sum(amount)
FROM usage_events GROUP BY 1, 2, 3, 4
ON CONFLICT DO NOTHING;
