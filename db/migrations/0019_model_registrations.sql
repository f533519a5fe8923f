CREATE TYPE "public"."model_registration_status" AS ENUM('staged', 'accepted', 'refused');--> statement-breakpoint
CREATE TABLE "model_registrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model_name" text NOT NULL,
	"version" text NOT NULL,
	"project_id" uuid,
	"created_by" uuid NOT NULL,
	"status" "model_registration_status" DEFAULT 'staged' NOT NULL,
	"files" jsonb NOT NULL,
	"result" jsonb,
	"version_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "model_registrations" ADD CONSTRAINT "model_registrations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_registrations" ADD CONSTRAINT "model_registrations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_registrations" ADD CONSTRAINT "model_registrations_version_id_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "model_registrations_status_idx" ON "model_registrations" USING btree ("status","expires_at");