-- Custom migration: the usage ledger becomes a table partitioned by range of occurred_at, one partition
-- a UTC month and a DEFAULT partition (an insert never fails for want of a partition), like run_events.
-- Retention then drops a month of the ledger whole (src/server/retention). A partitioned table cannot
-- hold a unique key without the partition key, so idempotency keys move to usage_idempotency, one row
-- per project and key whatever the month, with the first answer given for it.
CREATE TABLE "usage_idempotency" (
	"project_id" uuid NOT NULL,
	"key" text NOT NULL,
	"response" jsonb,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_idempotency_project_id_key_pk" PRIMARY KEY("project_id","key")
);
--> statement-breakpoint
ALTER TABLE "usage_idempotency" ADD CONSTRAINT "usage_idempotency_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "usage_idempotency_project_created_idx" ON "usage_idempotency" USING btree ("project_id","created_at");
--> statement-breakpoint
-- The month partition of `prefix` (run_events, usage_events) holding `at` in column `col`, created if
-- missing; rows of that month waiting in the DEFAULT partition (`prefix`_default) move into it (a
-- partition cannot be created over rows the default holds). The rows are moved by plain INSERT into the
-- table before it is attached, so no trigger of the parent fires again. Serialized per table by an
-- advisory lock: several servers may call it at once.
CREATE OR REPLACE FUNCTION ensure_month_partition(prefix text, col text, at timestamptz) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  lo timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  hi timestamptz := lo + interval '1 month';
  part text := prefix || '_p' || to_char(lo AT TIME ZONE 'UTC', 'YYYY_MM');
  def text := prefix || '_default';
  parent text;
  waiting boolean;
BEGIN
  IF to_regclass(part) IS NOT NULL THEN RETURN part; END IF;
  PERFORM pg_advisory_xact_lock(727275, hashtext(prefix));
  IF to_regclass(part) IS NOT NULL THEN RETURN part; END IF;
  SELECT c.relname INTO parent FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent
    WHERE i.inhrelid = def::regclass;
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= %L AND %I < %L)', def, col, lo, col, hi) INTO waiting;
  IF waiting THEN
    EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', def);
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS)', part, def);
    EXECUTE format('INSERT INTO %I SELECT * FROM %I WHERE %I >= %L AND %I < %L', part, def, col, lo, col, hi);
    EXECUTE format('DELETE FROM %I WHERE %I >= %L AND %I < %L', def, col, lo, col, hi);
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part, lo, hi);
  ELSE
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, parent, lo, hi);
  END IF;
  RETURN part;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION run_events_ensure_partition(at timestamptz) RETURNS text LANGUAGE sql AS $$
  SELECT ensure_month_partition('run_events', 'run_created_at', at)
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION usage_events_ensure_partition(at timestamptz) RETURNS text LANGUAGE sql AS $$
  SELECT ensure_month_partition('usage_events', 'occurred_at', at)
$$;
--> statement-breakpoint
CREATE TABLE "usage_events_partitioned" (
	"id" bigint NOT NULL,
	"project_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"metric" text NOT NULL,
	"amount" bigint NOT NULL,
	"run_id" uuid,
	"model" text,
	"idempotency_key" text,
	"occurred_at" timestamp (3) with time zone DEFAULT now() NOT NULL
) PARTITION BY RANGE ("occurred_at");
--> statement-breakpoint
CREATE TABLE "usage_events_default" PARTITION OF "usage_events_partitioned" DEFAULT;
--> statement-breakpoint
-- A partition for every month that has ledger rows, and for this month and the next two.
SELECT usage_events_ensure_partition(m) FROM (
  SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m FROM usage_events
  UNION SELECT date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + k * interval '1 month'
  FROM generate_series(0, 2) k
) months ORDER BY m;
--> statement-breakpoint
-- Before the rollup trigger exists on the new table: the rollups already count these rows.
INSERT INTO "usage_events_partitioned" (id, project_id, subject, metric, amount, run_id, model, idempotency_key, occurred_at)
SELECT id, project_id, subject, metric, amount, run_id, model, idempotency_key, occurred_at FROM "usage_events";
--> statement-breakpoint
INSERT INTO "usage_idempotency" (project_id, key, response, created_at)
SELECT project_id, idempotency_key, response, occurred_at FROM "usage_events" WHERE idempotency_key IS NOT NULL;
--> statement-breakpoint
DROP TABLE "usage_events";
--> statement-breakpoint
ALTER TABLE "usage_events_partitioned" RENAME TO "usage_events";
--> statement-breakpoint
CREATE SEQUENCE "usage_events_id_seq" OWNED BY "usage_events"."id";
--> statement-breakpoint
SELECT setval('usage_events_id_seq', coalesce((SELECT max(id) FROM "usage_events"), 0) + 1, false);
--> statement-breakpoint
ALTER TABLE "usage_events" ALTER COLUMN "id" SET DEFAULT nextval('usage_events_id_seq');
--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_pk" PRIMARY KEY("id","project_id","occurred_at");
--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE SET NULL ("run_id") ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "usage_events_project_metric_occurred_idx" ON "usage_events" USING btree ("project_id","metric","occurred_at","amount");
--> statement-breakpoint
CREATE INDEX "usage_events_project_subject_occurred_idx" ON "usage_events" USING btree ("project_id","subject","metric","occurred_at");
--> statement-breakpoint
CREATE INDEX "usage_events_run_idx" ON "usage_events" USING btree ("run_id") WHERE "usage_events"."run_id" is not null;
--> statement-breakpoint
CREATE TRIGGER usage_events_rollups AFTER INSERT ON usage_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollups_add();
