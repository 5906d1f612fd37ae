CREATE TYPE "public"."recompute_status" AS ENUM('pending', 'running', 'done', 'failed');--> statement-breakpoint
CREATE TYPE "public"."cost_source" AS ENUM('client', 'price');--> statement-breakpoint
CREATE TABLE "cost_recompute_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"model" text,
	"from_date" date NOT NULL,
	"to_date" date NOT NULL,
	"status" "recompute_status" DEFAULT 'pending' NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"cursor" text,
	"error" text,
	"finished_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_prices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"model" text NOT NULL,
	"input_per_million" double precision NOT NULL,
	"output_per_million" double precision NOT NULL,
	"cached_input_per_million" double precision,
	"effective_from" date NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "project_retention" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"run_days" integer,
	"usage_days" integer DEFAULT 400 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_models" (
	"project_id" uuid NOT NULL,
	"model" text NOT NULL,
	CONSTRAINT "run_models_project_id_model_pk" PRIMARY KEY("project_id","model")
);
--> statement-breakpoint
CREATE TABLE "usage_daily" (
	"project_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"day" timestamp (3) with time zone NOT NULL,
	"subject" text NOT NULL,
	"model" text DEFAULT '' NOT NULL,
	"total" bigint NOT NULL,
	CONSTRAINT "usage_daily_project_id_metric_day_subject_model_pk" PRIMARY KEY("project_id","metric","day","subject","model")
);
--> statement-breakpoint
CREATE TABLE "otel_spans" (
	"run_id" uuid NOT NULL,
	"span_id" text NOT NULL,
	"parent_span_id" text,
	"name" text NOT NULL,
	"start_ns" numeric(20, 0) NOT NULL,
	"end_ns" numeric(20, 0) NOT NULL,
	"events" jsonb NOT NULL,
	"usage" jsonb,
	"ledgered" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "otel_spans_run_id_span_id_pk" PRIMARY KEY("run_id","span_id")
);
--> statement-breakpoint
DROP INDEX "run_events_run_type_idx";--> statement-breakpoint
DROP INDEX "usage_events_project_metric_occurred_idx";--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "cost_source" "cost_source";--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "search" "tsvector";--> statement-breakpoint
ALTER TABLE "cost_recompute_jobs" ADD CONSTRAINT "cost_recompute_jobs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_prices" ADD CONSTRAINT "model_prices_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_retention" ADD CONSTRAINT "project_retention_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_models" ADD CONSTRAINT "run_models_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_daily" ADD CONSTRAINT "usage_daily_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "otel_spans" ADD CONSTRAINT "otel_spans_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cost_recompute_jobs_project_created_idx" ON "cost_recompute_jobs" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "model_prices_project_model_from_unique" ON "model_prices" USING btree ("project_id","model","effective_from");--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_parent_run_id_runs_id_fk" FOREIGN KEY ("parent_run_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reports_run_idx" ON "reports" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "runs_parent_idx" ON "runs" USING btree ("parent_run_id") WHERE "runs"."parent_run_id" is not null;--> statement-breakpoint
CREATE INDEX "runs_search_gin_idx" ON "runs" USING gin ("search");--> statement-breakpoint
CREATE INDEX "usage_counters_project_window_idx" ON "usage_counters" USING btree ("project_id","period","window_start","metric");--> statement-breakpoint
CREATE INDEX "usage_events_run_idx" ON "usage_events" USING btree ("run_id") WHERE "usage_events"."run_id" is not null;--> statement-breakpoint
CREATE INDEX "usage_reservations_run_idx" ON "usage_reservations" USING btree ("run_id") WHERE "usage_reservations"."run_id" is not null;--> statement-breakpoint
CREATE INDEX "usage_events_project_metric_occurred_idx" ON "usage_events" USING btree ("project_id","metric","occurred_at","amount");