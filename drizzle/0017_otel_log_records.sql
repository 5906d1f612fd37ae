CREATE TABLE "otel_log_records" (
	"project_id" uuid NOT NULL,
	"record_key" text NOT NULL,
	"source" text NOT NULL,
	"run_id" uuid,
	"trace_id" text,
	"span_id" text,
	"response_id" text,
	"time_ns" numeric(20, 0) NOT NULL,
	"event_name" text,
	"severity_number" integer DEFAULT 0 NOT NULL,
	"severity_text" text,
	"body" jsonb,
	"attributes" jsonb NOT NULL,
	"evaluation" jsonb,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "otel_log_records_project_id_record_key_pk" PRIMARY KEY("project_id","record_key")
);
--> statement-breakpoint
CREATE TABLE "otel_response_ids" (
	"project_id" uuid NOT NULL,
	"response_id" text NOT NULL,
	"run_id" uuid NOT NULL,
	"trace_id" text NOT NULL,
	"span_id" text NOT NULL,
	CONSTRAINT "otel_response_ids_project_id_response_id_pk" PRIMARY KEY("project_id","response_id")
);
--> statement-breakpoint
ALTER TABLE "otel_log_records" ADD CONSTRAINT "otel_log_records_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "otel_log_records" ADD CONSTRAINT "otel_log_records_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "otel_response_ids" ADD CONSTRAINT "otel_response_ids_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "otel_response_ids" ADD CONSTRAINT "otel_response_ids_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "otel_log_records_run_idx" ON "otel_log_records" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "otel_log_records_pending_trace_idx" ON "otel_log_records" USING btree ("project_id","trace_id") WHERE "otel_log_records"."run_id" is null and "otel_log_records"."trace_id" is not null;--> statement-breakpoint
CREATE INDEX "otel_log_records_pending_response_idx" ON "otel_log_records" USING btree ("project_id","response_id") WHERE "otel_log_records"."run_id" is null and "otel_log_records"."response_id" is not null;--> statement-breakpoint
CREATE INDEX "otel_response_ids_run_idx" ON "otel_response_ids" USING btree ("run_id");