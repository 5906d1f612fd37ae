-- The run references that outlive a run (a child run's parent, the ledger's and reservations' run) become
-- plain keys: deleting a run clears them first, in its transaction (Citus refuses ON DELETE SET NULL on a
-- key holding the distribution column). Re-adding checks the rows; on the partitioned ledger, the parent's
-- key is dropped and added for every partition.
ALTER TABLE "runs" DROP CONSTRAINT "runs_parent_fk";
--> statement-breakpoint
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_run_fk";
--> statement-breakpoint
ALTER TABLE "usage_reservations" DROP CONSTRAINT "usage_reservations_run_fk";
--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_parent_fk" FOREIGN KEY ("project_id","parent_run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_reservations" ADD CONSTRAINT "usage_reservations_run_fk" FOREIGN KEY ("project_id","run_id") REFERENCES "public"."runs"("project_id","id") ON DELETE no action ON UPDATE no action;