DROP INDEX "runs_project_status_idx";--> statement-breakpoint
CREATE INDEX "runs_project_created_idx" ON "runs" USING btree ("project_id","created_at","id");--> statement-breakpoint
CREATE INDEX "runs_project_model_idx" ON "runs" USING btree ("project_id",("params"->>'model'),"created_at","id");--> statement-breakpoint
CREATE INDEX "runs_project_version_idx" ON "runs" USING btree ("project_id","model_version_id","created_at","id");--> statement-breakpoint
CREATE INDEX "runs_project_study_idx" ON "runs" USING btree ("project_id","study_id","created_at","id");--> statement-breakpoint
CREATE INDEX "runs_project_submitter_idx" ON "runs" USING btree ("project_id","submitted_by","created_at","id");--> statement-breakpoint
CREATE INDEX "comparisons_project_created_idx" ON "comparisons" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "runs_project_status_idx" ON "runs" USING btree ("project_id","status","created_at","id");