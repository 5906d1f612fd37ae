-- Every table of a project's data carries project_id in its primary key, unique constraints and foreign
-- keys to other project data (what a database distributed by project_id needs to co-locate them).
-- 1. The tables reached through a parent get the parent's project.
;
--> statement-breakpoint
ALTER TABLE "run_results" ADD COLUMN "project_id" uuid;
--> statement-breakpoint
UPDATE "run_results" c SET "project_id" = p."project_id" FROM "runs" p WHERE p."id" = c."run_id";
--> statement-breakpoint
ALTER TABLE "run_results" ALTER COLUMN "project_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "run_transcript_checkpoints" ADD COLUMN "project_id" uuid;
--> statement-breakpoint
UPDATE "run_transcript_checkpoints" c SET "project_id" = p."project_id" FROM "runs" p WHERE p."id" = c."run_id";
--> statement-breakpoint
ALTER TABLE "run_transcript_checkpoints" ALTER COLUMN "project_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "otel_spans" ADD COLUMN "project_id" uuid;
--> statement-breakpoint
UPDATE "otel_spans" c SET "project_id" = p."project_id" FROM "runs" p WHERE p."id" = c."run_id";
--> statement-breakpoint
ALTER TABLE "otel_spans" ALTER COLUMN "project_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "evaluation_inbox" ADD COLUMN "project_id" uuid;
--> statement-breakpoint
UPDATE "evaluation_inbox" c SET "project_id" = p."project_id" FROM "runs" p WHERE p."id" = c."run_id";
--> statement-breakpoint
ALTER TABLE "evaluation_inbox" ALTER COLUMN "project_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "report_sections" ADD COLUMN "project_id" uuid;
--> statement-breakpoint
UPDATE "report_sections" c SET "project_id" = p."project_id" FROM "reports" p WHERE p."id" = c."report_id";
--> statement-breakpoint
ALTER TABLE "report_sections" ALTER COLUMN "project_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "dataset_items" ADD COLUMN "project_id" uuid;
--> statement-breakpoint
UPDATE "dataset_items" c SET "project_id" = p."project_id" FROM "datasets" p WHERE p."id" = c."dataset_id";
--> statement-breakpoint
ALTER TABLE "dataset_items" ALTER COLUMN "project_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "evaluator_daily_usage" ADD COLUMN "project_id" uuid;
--> statement-breakpoint
UPDATE "evaluator_daily_usage" c SET "project_id" = p."project_id" FROM "evaluators" p WHERE p."id" = c."evaluator_id";
--> statement-breakpoint
ALTER TABLE "evaluator_daily_usage" ALTER COLUMN "project_id" SET NOT NULL;
--> statement-breakpoint
-- 2. Keys: the old foreign keys go first (they depend on the primary keys being replaced).
ALTER TABLE "dataset_items" DROP CONSTRAINT "dataset_items_dataset_id_datasets_id_fk";
--> statement-breakpoint
ALTER TABLE "run_transcript_checkpoints" DROP CONSTRAINT "run_transcript_checkpoints_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "report_sections" DROP CONSTRAINT "report_sections_report_id_reports_id_fk";
--> statement-breakpoint
ALTER TABLE "reports" DROP CONSTRAINT "reports_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "reports" DROP CONSTRAINT "reports_parent_report_id_reports_id_fk";
--> statement-breakpoint
ALTER TABLE "run_results" DROP CONSTRAINT "run_results_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "runs" DROP CONSTRAINT "runs_parent_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_reservations" DROP CONSTRAINT "usage_reservations_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "otel_log_records" DROP CONSTRAINT "otel_log_records_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "otel_response_ids" DROP CONSTRAINT "otel_response_ids_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "otel_spans" DROP CONSTRAINT "otel_spans_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "scores" DROP CONSTRAINT "scores_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "scores" DROP CONSTRAINT "scores_result_id_run_results_id_fk";
--> statement-breakpoint
ALTER TABLE "evaluation_inbox" DROP CONSTRAINT "evaluation_inbox_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "evaluation_jobs" DROP CONSTRAINT "evaluation_jobs_evaluator_id_evaluators_id_fk";
--> statement-breakpoint
ALTER TABLE "evaluation_jobs" DROP CONSTRAINT "evaluation_jobs_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "evaluation_jobs" DROP CONSTRAINT "evaluation_jobs_result_id_run_results_id_fk";
--> statement-breakpoint
ALTER TABLE "evaluator_daily_usage" DROP CONSTRAINT "evaluator_daily_usage_evaluator_id_evaluators_id_fk";
--> statement-breakpoint
ALTER TABLE "annotation_queue_items" DROP CONSTRAINT "annotation_queue_items_queue_id_annotation_queues_id_fk";
--> statement-breakpoint
ALTER TABLE "annotation_queue_items" DROP CONSTRAINT "annotation_queue_items_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "alert_deliveries" DROP CONSTRAINT "alert_deliveries_event_id_alert_events_id_fk";
--> statement-breakpoint
ALTER TABLE "alert_deliveries" DROP CONSTRAINT "alert_deliveries_destination_id_webhook_destinations_id_fk";
--> statement-breakpoint
DROP INDEX "report_sections_report_position_unique";
--> statement-breakpoint
DROP INDEX "run_results_run_item_unique";
--> statement-breakpoint
DROP INDEX "evaluation_jobs_target_unique";
--> statement-breakpoint
DROP INDEX "annotation_queue_items_queue_run_unique";
--> statement-breakpoint
DROP INDEX "alert_deliveries_event_destination_unique";
--> statement-breakpoint
ALTER TABLE "run_transcript_checkpoints" DROP CONSTRAINT "run_transcript_checkpoints_run_id_seq_pk";
--> statement-breakpoint
ALTER TABLE "otel_spans" DROP CONSTRAINT "otel_spans_run_id_span_id_pk";
--> statement-breakpoint
ALTER TABLE "evaluator_daily_usage" DROP CONSTRAINT "evaluator_daily_usage_evaluator_id_day_pk";
--> statement-breakpoint
ALTER TABLE "dataset_items" DROP CONSTRAINT "dataset_items_pkey";
--> statement-breakpoint
ALTER TABLE "datasets" DROP CONSTRAINT "datasets_pkey";
--> statement-breakpoint
ALTER TABLE "cost_recompute_jobs" DROP CONSTRAINT "cost_recompute_jobs_pkey";
--> statement-breakpoint
ALTER TABLE "model_prices" DROP CONSTRAINT "model_prices_pkey";
--> statement-breakpoint
ALTER TABLE "report_sections" DROP CONSTRAINT "report_sections_pkey";
--> statement-breakpoint
ALTER TABLE "run_results" DROP CONSTRAINT "run_results_pkey";
--> statement-breakpoint
ALTER TABLE "quotas" DROP CONSTRAINT "quotas_pkey";
--> statement-breakpoint
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_pkey";
--> statement-breakpoint
ALTER TABLE "usage_reservations" DROP CONSTRAINT "usage_reservations_pkey";
--> statement-breakpoint
ALTER TABLE "score_configs" DROP CONSTRAINT "score_configs_pkey";
--> statement-breakpoint
ALTER TABLE "evaluation_inbox" DROP CONSTRAINT "evaluation_inbox_pkey";
--> statement-breakpoint
ALTER TABLE "evaluation_jobs" DROP CONSTRAINT "evaluation_jobs_pkey";
--> statement-breakpoint
ALTER TABLE "evaluators" DROP CONSTRAINT "evaluators_pkey";
--> statement-breakpoint
ALTER TABLE "llm_providers" DROP CONSTRAINT "llm_providers_pkey";
--> statement-breakpoint
ALTER TABLE "annotation_queue_items" DROP CONSTRAINT "annotation_queue_items_pkey";
--> statement-breakpoint
ALTER TABLE "annotation_queues" DROP CONSTRAINT "annotation_queues_pkey";
--> statement-breakpoint
ALTER TABLE "alert_deliveries" DROP CONSTRAINT "alert_deliveries_pkey";
--> statement-breakpoint
ALTER TABLE "alert_events" DROP CONSTRAINT "alert_events_pkey";
--> statement-breakpoint
ALTER TABLE "webhook_destinations" DROP CONSTRAINT "webhook_destinations_pkey";
--> statement-breakpoint
ALTER TABLE "dataset_items" ADD CONSTRAINT "dataset_items_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "run_transcript_checkpoints" ADD CONSTRAINT "run_transcript_checkpoints_pk" PRIMARY KEY("run_id","seq","project_id");
--> statement-breakpoint
ALTER TABLE "cost_recompute_jobs" ADD CONSTRAINT "cost_recompute_jobs_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "model_prices" ADD CONSTRAINT "model_prices_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "report_sections" ADD CONSTRAINT "report_sections_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "run_results" ADD CONSTRAINT "run_results_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "quotas" ADD CONSTRAINT "quotas_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "usage_reservations" ADD CONSTRAINT "usage_reservations_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "otel_spans" ADD CONSTRAINT "otel_spans_pk" PRIMARY KEY("run_id","span_id","project_id");
--> statement-breakpoint
ALTER TABLE "score_configs" ADD CONSTRAINT "score_configs_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "evaluation_inbox" ADD CONSTRAINT "evaluation_inbox_pk" PRIMARY KEY("run_id","project_id");
--> statement-breakpoint
ALTER TABLE "evaluation_jobs" ADD CONSTRAINT "evaluation_jobs_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "evaluator_daily_usage" ADD CONSTRAINT "evaluator_daily_usage_pk" PRIMARY KEY("evaluator_id","day","project_id");
--> statement-breakpoint
ALTER TABLE "evaluators" ADD CONSTRAINT "evaluators_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "llm_providers" ADD CONSTRAINT "llm_providers_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "annotation_queue_items" ADD CONSTRAINT "annotation_queue_items_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "annotation_queues" ADD CONSTRAINT "annotation_queues_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
ALTER TABLE "webhook_destinations" ADD CONSTRAINT "webhook_destinations_pk" PRIMARY KEY("id","project_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "reports_project_id_unique" ON "reports" USING btree ("project_id","id");
--> statement-breakpoint
CREATE UNIQUE INDEX "report_sections_report_position_unique" ON "report_sections" USING btree ("report_id","position","project_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "run_results_run_item_unique" ON "run_results" USING btree ("run_id","item_id","project_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_jobs_target_unique" ON "evaluation_jobs" USING btree ("evaluator_id","run_id",coalesce("result_id", '00000000-0000-0000-0000-000000000000'::uuid),"project_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "annotation_queue_items_queue_run_unique" ON "annotation_queue_items" USING btree ("queue_id","run_id","project_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "alert_deliveries_event_destination_unique" ON "alert_deliveries" USING btree ("event_id","destination_id","project_id");
--> statement-breakpoint
-- A deleted run nulls only the reference (SET NULL of the one column): the row keeps its project.
ALTER TABLE "dataset_items" ADD CONSTRAINT "dataset_items_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "dataset_items" ADD CONSTRAINT "dataset_items_dataset_fk" FOREIGN KEY ("dataset_id","project_id") REFERENCES "public"."datasets"("id","project_id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "run_transcript_checkpoints" ADD CONSTRAINT "run_transcript_checkpoints_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "run_transcript_checkpoints" ADD CONSTRAINT "run_transcript_checkpoints_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "report_sections" ADD CONSTRAINT "report_sections_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "report_sections" ADD CONSTRAINT "report_sections_report_fk" FOREIGN KEY ("project_id","report_id") REFERENCES "public"."reports"("project_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_parent_fk" FOREIGN KEY ("project_id","parent_report_id") REFERENCES "public"."reports"("project_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "run_results" ADD CONSTRAINT "run_results_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "run_results" ADD CONSTRAINT "run_results_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_parent_fk" FOREIGN KEY ("project_id","parent_run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE SET NULL ("parent_run_id") ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE SET NULL ("run_id") ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "usage_reservations" ADD CONSTRAINT "usage_reservations_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE SET NULL ("run_id") ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "otel_log_records" ADD CONSTRAINT "otel_log_records_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "otel_response_ids" ADD CONSTRAINT "otel_response_ids_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "otel_spans" ADD CONSTRAINT "otel_spans_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "otel_spans" ADD CONSTRAINT "otel_spans_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_result_fk" FOREIGN KEY ("result_id","project_id") REFERENCES "public"."run_results"("id","project_id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "evaluation_inbox" ADD CONSTRAINT "evaluation_inbox_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "evaluation_inbox" ADD CONSTRAINT "evaluation_inbox_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "evaluation_jobs" ADD CONSTRAINT "evaluation_jobs_evaluator_fk" FOREIGN KEY ("evaluator_id","project_id") REFERENCES "public"."evaluators"("id","project_id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "evaluation_jobs" ADD CONSTRAINT "evaluation_jobs_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "evaluation_jobs" ADD CONSTRAINT "evaluation_jobs_result_fk" FOREIGN KEY ("result_id","project_id") REFERENCES "public"."run_results"("id","project_id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "evaluator_daily_usage" ADD CONSTRAINT "evaluator_daily_usage_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "evaluator_daily_usage" ADD CONSTRAINT "evaluator_daily_usage_evaluator_fk" FOREIGN KEY ("evaluator_id","project_id") REFERENCES "public"."evaluators"("id","project_id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "annotation_queue_items" ADD CONSTRAINT "annotation_queue_items_queue_fk" FOREIGN KEY ("queue_id","project_id") REFERENCES "public"."annotation_queues"("id","project_id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "annotation_queue_items" ADD CONSTRAINT "annotation_queue_items_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_event_fk" FOREIGN KEY ("event_id","project_id") REFERENCES "public"."alert_events"("id","project_id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_destination_fk" FOREIGN KEY ("destination_id","project_id") REFERENCES "public"."webhook_destinations"("id","project_id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- 3. The trigger that queues finished runs for online evaluators writes the run's project too.
CREATE OR REPLACE FUNCTION evaluation_inbox_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM evaluators e WHERE e.project_id = NEW.project_id AND e.online AND e.enabled) THEN
    INSERT INTO evaluation_inbox (project_id, run_id) VALUES (NEW.project_id, NEW.id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
