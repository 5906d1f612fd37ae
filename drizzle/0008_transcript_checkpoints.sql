CREATE TABLE "run_transcript_checkpoints" (
	"run_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"event_count" integer NOT NULL,
	"state" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "run_transcript_checkpoints_run_id_seq_pk" PRIMARY KEY("run_id","seq")
);
--> statement-breakpoint
ALTER TABLE "run_transcript_checkpoints" ADD CONSTRAINT "run_transcript_checkpoints_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;