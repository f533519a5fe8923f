ALTER TABLE "runs" ALTER COLUMN "params" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "claimed_by" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "lease_expires_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "runs_claimable_idx" ON "runs" USING btree ("executor","created_at") WHERE "runs"."status" in ('queued', 'running');