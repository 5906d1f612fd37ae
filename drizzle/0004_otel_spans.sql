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
ALTER TABLE "otel_spans" ADD CONSTRAINT "otel_spans_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;