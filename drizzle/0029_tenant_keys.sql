-- runs, reports and scores are keyed by (id, project_id): a client-chosen id is unique within its
-- project, and the same id in another project is another row. The foreign keys keep pointing at the
-- unique (project_id, id) of runs and reports. Instance-wide audit entries move to their own table so
-- that audit_log holds only project rows (project_id not null, in its key).
CREATE TABLE "instance_audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_id" text,
	"actor_email" text,
	"actor_name" text,
	"action" text NOT NULL,
	"target" text,
	"before" jsonb,
	"after" jsonb,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
INSERT INTO "instance_audit_log" ("actor_id", "actor_email", "actor_name", "action", "target", "before", "after", "at")
  SELECT "actor_id", "actor_email", "actor_name", "action", "target", "before", "after", "at"
  FROM "audit_log" WHERE "project_id" IS NULL ORDER BY "id";
--> statement-breakpoint
DELETE FROM "audit_log" WHERE "project_id" IS NULL;
--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "project_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_pkey";
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "runs" DROP CONSTRAINT "runs_pkey";
--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "reports" DROP CONSTRAINT "reports_pkey";
--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "scores" DROP CONSTRAINT "scores_pkey";
--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
DROP INDEX "scores_author_target_unique";
--> statement-breakpoint
CREATE UNIQUE INDEX "scores_author_target_unique" ON "scores" USING btree ("run_id",coalesce("seq", -1),coalesce("result_id", '00000000-0000-0000-0000-000000000000'::uuid),"name","source","author_id","project_id") WHERE "scores"."source" <> 'api';
--> statement-breakpoint
-- The triggers that reach a run's rows by its id name its project too (the id alone may be another
-- project's run now), and stay within the run's project, as a trigger on a distributed table must.
CREATE OR REPLACE FUNCTION run_events_invalidate_checkpoints() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM run_transcript_checkpoints c
  USING (SELECT project_id, run_id, min(seq) AS seq FROM new_rows GROUP BY project_id, run_id) n
  WHERE c.project_id = n.project_id AND c.run_id = n.run_id AND c.seq >= n.seq;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION runs_move_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE run_events SET run_created_at = NEW.created_at
  WHERE project_id = NEW.project_id AND run_id = NEW.id AND run_created_at = OLD.created_at;
  RETURN NULL;
END $$;
