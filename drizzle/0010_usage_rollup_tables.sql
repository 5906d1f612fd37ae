CREATE TABLE "run_cost_daily" (
	"project_id" uuid NOT NULL,
	"day" timestamp (3) with time zone NOT NULL,
	"model" text DEFAULT '' NOT NULL,
	"user_id" text DEFAULT '' NOT NULL,
	"usd" numeric DEFAULT '0' NOT NULL,
	"runs" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "run_cost_daily_project_id_day_model_user_id_pk" PRIMARY KEY("project_id","day","model","user_id")
);
--> statement-breakpoint
CREATE TABLE "usage_hourly" (
	"project_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"hour" timestamp (3) with time zone NOT NULL,
	"subject" text NOT NULL,
	"total" bigint NOT NULL,
	CONSTRAINT "usage_hourly_project_id_metric_hour_subject_pk" PRIMARY KEY("project_id","metric","hour","subject")
);
--> statement-breakpoint
ALTER TABLE "run_cost_daily" ADD CONSTRAINT "run_cost_daily_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_hourly" ADD CONSTRAINT "usage_hourly_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "usage_daily_project_subject_idx" ON "usage_daily" USING btree ("project_id","subject","metric","day");