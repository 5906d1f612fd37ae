CREATE TYPE "public"."score_source" AS ENUM('api', 'annotation', 'evaluator');--> statement-breakpoint
CREATE TYPE "public"."score_type" AS ENUM('numeric', 'boolean', 'categorical');--> statement-breakpoint
CREATE TABLE "score_configs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"data_type" "score_type" NOT NULL,
	"min" double precision,
	"max" double precision,
	"categories" text[],
	"description" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "score_settings" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"require_config" boolean DEFAULT false NOT NULL,
	"history_columns" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scores" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"seq" integer,
	"result_id" uuid,
	"name" text NOT NULL,
	"data_type" "score_type" NOT NULL,
	"value" double precision,
	"label" text,
	"source" "score_source" NOT NULL,
	"author_id" text NOT NULL,
	"comment" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scores_name_length" CHECK (char_length("scores"."name") between 1 and 100),
	CONSTRAINT "scores_value_shape" CHECK (("scores"."data_type" = 'categorical' and "scores"."label" is not null and "scores"."value" is null)
        or ("scores"."data_type" <> 'categorical' and "scores"."value" is not null and "scores"."label" is null))
);
--> statement-breakpoint
ALTER TABLE "score_configs" ADD CONSTRAINT "score_configs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_settings" ADD CONSTRAINT "score_settings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_result_id_run_results_id_fk" FOREIGN KEY ("result_id") REFERENCES "public"."run_results"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "score_configs_project_name_unique" ON "score_configs" USING btree ("project_id","name");--> statement-breakpoint
CREATE INDEX "scores_project_created_idx" ON "scores" USING btree ("project_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "scores_run_name_idx" ON "scores" USING btree ("run_id","name");--> statement-breakpoint
CREATE INDEX "scores_result_idx" ON "scores" USING btree ("result_id") WHERE "scores"."result_id" is not null;--> statement-breakpoint
CREATE INDEX "scores_project_name_value_idx" ON "scores" USING btree ("project_id","name","value","run_id") WHERE "scores"."seq" is null and "scores"."result_id" is null;--> statement-breakpoint
CREATE INDEX "scores_project_name_label_idx" ON "scores" USING btree ("project_id","name","label","run_id") WHERE "scores"."seq" is null and "scores"."result_id" is null and "scores"."label" is not null;--> statement-breakpoint
CREATE INDEX "scores_project_name_created_idx" ON "scores" USING btree ("project_id","name","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "scores_author_target_unique" ON "scores" USING btree ("run_id",coalesce("seq", -1),coalesce("result_id", '00000000-0000-0000-0000-000000000000'::uuid),"name","source","author_id") WHERE "scores"."source" <> 'api';