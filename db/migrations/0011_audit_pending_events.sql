CREATE TABLE "audit_pending_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor_id" uuid,
	"actor_label" text NOT NULL,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"project_id" uuid,
	"outcome" "audit_outcome" NOT NULL,
	"request_id" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "pending_id" bigint;--> statement-breakpoint
CREATE INDEX "audit_pending_events_project_idx" ON "audit_pending_events" USING btree ("project_id","id");--> statement-breakpoint
CREATE INDEX "audit_pending_events_actor_idx" ON "audit_pending_events" USING btree ("actor_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_pending_id_idx" ON "audit_events" USING btree ("pending_id");