-- Custom migration: the two statement triggers with transition tables go. Citus cannot route a
-- statement that takes its distribution value from a transition table, so the work moves into the
-- app's own write statements, which name the project (and run) by value: the ledger inserts upsert
-- usage_daily / usage_hourly in the same statement (src/server/usage/rollups.ts), and the event inserts
-- delete the replay checkpoints they outdate in the same statement (src/server/events/after-store.ts).
-- Nothing is recomputed: the rollups and checkpoints are as the triggers left them.
DROP TRIGGER IF EXISTS run_events_checkpoints_invalidate ON run_events;
--> statement-breakpoint
DROP FUNCTION IF EXISTS run_events_invalidate_checkpoints();
--> statement-breakpoint
DROP TRIGGER IF EXISTS usage_events_rollups ON usage_events;
--> statement-breakpoint
DROP FUNCTION IF EXISTS usage_rollups_add();
