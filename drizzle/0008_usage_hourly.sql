CREATE TABLE "usage_hourly" (
	"project_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"hour" timestamp (3) with time zone NOT NULL,
	"subject" text NOT NULL,
	"total" bigint NOT NULL,
	CONSTRAINT "usage_hourly_project_id_metric_hour_subject_pk" PRIMARY KEY("project_id","metric","hour","subject")
);
--> statement-breakpoint
ALTER TABLE "usage_hourly" ADD CONSTRAINT "usage_hourly_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;