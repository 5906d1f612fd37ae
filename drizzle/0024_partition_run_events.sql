-- Custom migration: run_events becomes a table partitioned by range of the run's creation time, one
-- partition a UTC month and a DEFAULT partition, so an insert never fails for want of a partition.
-- Every event of a run sits in its run's month: a read that names the run's created_at touches one
-- partition, and retention drops a month whose runs have all expired (src/server/retention).
-- The key holds the project (what a distributed Postgres needs) and the partition key (what a
-- partitioned table needs); (run_id, seq) still identifies an event, the run fixing the rest.
CREATE UNIQUE INDEX "runs_project_id_unique" ON "runs" USING btree ("project_id","id");
--> statement-breakpoint
CREATE TABLE "run_events_partitioned" (
	"project_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"run_created_at" timestamp (3) with time zone NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"ts" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
) PARTITION BY RANGE ("run_created_at");
--> statement-breakpoint
CREATE TABLE "run_events_default" PARTITION OF "run_events_partitioned" DEFAULT;
--> statement-breakpoint
-- The month partition holding `at`, created if missing; rows of that month waiting in the DEFAULT
-- partition move into it (a partition cannot be created over rows the default holds). Serialized by
-- an advisory lock: several servers may call it at once.
CREATE OR REPLACE FUNCTION run_events_ensure_partition(at timestamptz) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  lo timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  hi timestamptz := lo + interval '1 month';
  part text := 'run_events_p' || to_char(lo AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
  IF to_regclass(part) IS NOT NULL THEN RETURN part; END IF;
  PERFORM pg_advisory_xact_lock(727275);
  IF to_regclass(part) IS NOT NULL THEN RETURN part; END IF;
  IF EXISTS (SELECT 1 FROM run_events_default WHERE run_created_at >= lo AND run_created_at < hi) THEN
    LOCK TABLE run_events_default IN ACCESS EXCLUSIVE MODE;
    EXECUTE format('CREATE TABLE %I (LIKE run_events_default INCLUDING DEFAULTS)', part);
    EXECUTE format('INSERT INTO %I SELECT * FROM run_events_default WHERE run_created_at >= %L AND run_created_at < %L', part, lo, hi);
    DELETE FROM run_events_default WHERE run_created_at >= lo AND run_created_at < hi;
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
      (SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent
        WHERE i.inhrelid = 'run_events_default'::regclass), part, lo, hi);
  ELSE
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
      part,
      (SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent
        WHERE i.inhrelid = 'run_events_default'::regclass), lo, hi);
  END IF;
  RETURN part;
END $$;
--> statement-breakpoint
-- A partition for every month that has runs with events, and for this month and the next two.
SELECT run_events_ensure_partition(m) FROM (
  SELECT DISTINCT date_trunc('month', r.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m
  FROM runs r WHERE EXISTS (SELECT 1 FROM run_events e WHERE e.run_id = r.id)
  UNION SELECT date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + k * interval '1 month'
  FROM generate_series(0, 2) k
) months ORDER BY m;
--> statement-breakpoint
INSERT INTO "run_events_partitioned" (project_id, run_id, run_created_at, seq, type, ts, payload, created_at)
SELECT r.project_id, e.run_id, r.created_at, e.seq, e.type, e.ts, e.payload, e.created_at
FROM "run_events" e JOIN "runs" r ON r.id = e.run_id;
--> statement-breakpoint
DROP TABLE "run_events";
--> statement-breakpoint
ALTER TABLE "run_events_partitioned" RENAME TO "run_events";
--> statement-breakpoint
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_pk" PRIMARY KEY("run_id","seq","project_id","run_created_at");
--> statement-breakpoint
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE TRIGGER run_events_checkpoints_invalidate AFTER INSERT ON run_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION run_events_invalidate_checkpoints();
--> statement-breakpoint
-- A run's events follow its created_at (the app never changes it; a script or a test may): they move
-- to the partition of the new time, so reads that name the run's time keep finding them.
CREATE OR REPLACE FUNCTION runs_move_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE run_events SET run_created_at = NEW.created_at
  WHERE run_id = NEW.id AND run_created_at = OLD.created_at;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER runs_move_events AFTER UPDATE OF created_at ON runs
  FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at) EXECUTE FUNCTION runs_move_events();
