CREATE TYPE "public"."annotation_item_status" AS ENUM('pending', 'done', 'skipped');--> statement-breakpoint
CREATE TABLE "annotation_queue_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"queue_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"status" "annotation_item_status" DEFAULT 'pending' NOT NULL,
	"leased_by" text,
	"lease_until" timestamp (3) with time zone,
	"reviewed_by" text,
	"reviewed_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "annotation_queues" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"score_names" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_by" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "annotation_queue_items" ADD CONSTRAINT "annotation_queue_items_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotation_queue_items" ADD CONSTRAINT "annotation_queue_items_queue_id_annotation_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."annotation_queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotation_queue_items" ADD CONSTRAINT "annotation_queue_items_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotation_queues" ADD CONSTRAINT "annotation_queues_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "annotation_queue_items_queue_run_unique" ON "annotation_queue_items" USING btree ("queue_id","run_id");--> statement-breakpoint
CREATE INDEX "annotation_queue_items_next_idx" ON "annotation_queue_items" USING btree ("queue_id","position") WHERE "annotation_queue_items"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "annotation_queue_items_run_idx" ON "annotation_queue_items" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "annotation_queues_project_name_unique" ON "annotation_queues" USING btree ("project_id","name");