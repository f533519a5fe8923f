DROP INDEX "studies_project_idx";--> statement-breakpoint
CREATE INDEX "studies_project_created_idx" ON "studies" USING btree ("project_id","created_at","id");--> statement-breakpoint
CREATE INDEX "studies_project_subject_idx" ON "studies" USING btree ("project_id","subject_pseudonym","created_at","id");