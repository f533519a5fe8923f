CREATE TABLE "reference_comparisons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"reference_id" uuid NOT NULL,
	"model_version_id" uuid NOT NULL,
	"metrics" jsonb NOT NULL,
	"mean_dice" real NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "study_references" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"study_id" uuid NOT NULL,
	"series_id" uuid NOT NULL,
	"upload_id" uuid NOT NULL,
	"format" text,
	"labelmap_key" text,
	"labels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ready_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "reference_comparisons" ADD CONSTRAINT "reference_comparisons_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reference_comparisons" ADD CONSTRAINT "reference_comparisons_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reference_comparisons" ADD CONSTRAINT "reference_comparisons_reference_id_study_references_id_fk" FOREIGN KEY ("reference_id") REFERENCES "public"."study_references"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reference_comparisons" ADD CONSTRAINT "reference_comparisons_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_references" ADD CONSTRAINT "study_references_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_references" ADD CONSTRAINT "study_references_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_references" ADD CONSTRAINT "study_references_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_references" ADD CONSTRAINT "study_references_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_references" ADD CONSTRAINT "study_references_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "reference_comparisons_run_ref_uq" ON "reference_comparisons" USING btree ("run_id","reference_id","model_version_id");--> statement-breakpoint
CREATE INDEX "reference_comparisons_version_idx" ON "reference_comparisons" USING btree ("model_version_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "study_references_upload_uq" ON "study_references" USING btree ("upload_id");--> statement-breakpoint
CREATE INDEX "study_references_series_idx" ON "study_references" USING btree ("series_id");