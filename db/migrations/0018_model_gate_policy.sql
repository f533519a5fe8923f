ALTER TABLE "models" ADD COLUMN "gate_policy" jsonb;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "gate_policy_reason" text;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "gate_policy_by" uuid;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "gate_policy_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_gate_policy_by_users_id_fk" FOREIGN KEY ("gate_policy_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;