CREATE TYPE "public"."dicom_source" AS ENUM('deidentified', 'run_seg', 'stored');--> statement-breakpoint
CREATE TABLE "dicom_instances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"study_id" uuid NOT NULL,
	"run_id" uuid,
	"source" "dicom_source" NOT NULL,
	"key" text NOT NULL,
	"version_id" text,
	"sha256" text NOT NULL,
	"size" bigint NOT NULL,
	"study_instance_uid" text NOT NULL,
	"series_instance_uid" text NOT NULL,
	"sop_instance_uid" text NOT NULL,
	"sop_class_uid" text NOT NULL,
	"transfer_syntax_uid" text NOT NULL,
	"modality" text,
	"series_number" integer,
	"series_description" text,
	"instance_number" integer,
	"patient_id" text,
	"study_date" text,
	"rows" integer,
	"columns" integer,
	"number_of_frames" integer DEFAULT 1 NOT NULL,
	"stored_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dicom_instances" ADD CONSTRAINT "dicom_instances_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dicom_instances" ADD CONSTRAINT "dicom_instances_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dicom_instances" ADD CONSTRAINT "dicom_instances_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dicom_instances" ADD CONSTRAINT "dicom_instances_stored_by_users_id_fk" FOREIGN KEY ("stored_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dicom_instances_project_sop_uq" ON "dicom_instances" USING btree ("project_id","sop_instance_uid");--> statement-breakpoint
CREATE INDEX "dicom_instances_project_study_idx" ON "dicom_instances" USING btree ("project_id","study_instance_uid","series_instance_uid");--> statement-breakpoint
CREATE INDEX "dicom_instances_study_idx" ON "dicom_instances" USING btree ("study_id");