CREATE TABLE "job_leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"lease_until" timestamp (3) with time zone NOT NULL,
	"acquired_at" timestamp (3) with time zone NOT NULL,
	"done_at" timestamp (3) with time zone,
	"passes" integer DEFAULT 0 NOT NULL
);
