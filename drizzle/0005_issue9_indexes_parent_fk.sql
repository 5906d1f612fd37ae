DROP INDEX "run_events_run_type_idx";--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_parent_run_id_runs_id_fk" FOREIGN KEY ("parent_run_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reports_run_idx" ON "reports" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "runs_parent_idx" ON "runs" USING btree ("parent_run_id") WHERE "runs"."parent_run_id" is not null;--> statement-breakpoint
CREATE INDEX "usage_events_run_idx" ON "usage_events" USING btree ("run_id") WHERE "usage_events"."run_id" is not null;--> statement-breakpoint
CREATE INDEX "usage_reservations_run_idx" ON "usage_reservations" USING btree ("run_id") WHERE "usage_reservations"."run_id" is not null;