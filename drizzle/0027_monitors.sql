CREATE TYPE "public"."incident_kind" AS ENUM('firing', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."monitor_comparator" AS ENUM('gt', 'gte', 'lt', 'lte');--> statement-breakpoint
CREATE TYPE "public"."monitor_metric" AS ENUM('run_count', 'error_rate', 'latency_p50', 'latency_p95', 'tokens', 'cost', 'score_mean', 'score_pass_rate', 'quota_use');--> statement-breakpoint
CREATE TYPE "public"."monitor_state" AS ENUM('ok', 'firing');--> statement-breakpoint
CREATE TABLE "monitor_incidents" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"monitor_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"kind" "incident_kind" NOT NULL,
	"value" double precision,
	"threshold" double precision NOT NULL,
	"window_start" timestamp (3) with time zone NOT NULL,
	"window_end" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitor_incidents_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "monitor_states" (
	"project_id" uuid NOT NULL,
	"monitor_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"state" "monitor_state" NOT NULL,
	"value" double precision,
	"since" timestamp (3) with time zone NOT NULL,
	"last_fired_at" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitor_states_pk" PRIMARY KEY("project_id","monitor_id","subject")
);
--> statement-breakpoint
CREATE TABLE "monitors" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"metric" "monitor_metric" NOT NULL,
	"score_name" text,
	"quota_id" uuid,
	"filters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"window_seconds" integer NOT NULL,
	"comparator" "monitor_comparator" NOT NULL,
	"threshold" double precision NOT NULL,
	"per_subject" boolean DEFAULT false NOT NULL,
	"cooldown_seconds" integer DEFAULT 0 NOT NULL,
	"no_data" "monitor_state" DEFAULT 'ok' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"last_evaluated_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitors_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
ALTER TABLE "monitor_incidents" ADD CONSTRAINT "monitor_incidents_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitor_incidents" ADD CONSTRAINT "monitor_incidents_monitor_fk" FOREIGN KEY ("project_id","monitor_id") REFERENCES "public"."monitors"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitor_states" ADD CONSTRAINT "monitor_states_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitor_states" ADD CONSTRAINT "monitor_states_monitor_fk" FOREIGN KEY ("project_id","monitor_id") REFERENCES "public"."monitors"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitors" ADD CONSTRAINT "monitors_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "monitor_incidents_project_created_idx" ON "monitor_incidents" USING btree ("project_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "monitor_incidents_monitor_created_idx" ON "monitor_incidents" USING btree ("project_id","monitor_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "monitors_enabled_idx" ON "monitors" USING btree ("enabled","project_id");