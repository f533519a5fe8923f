CREATE INDEX "audit_events_project_action_idx" ON "audit_events" USING btree ("project_id","action","seq");--> statement-breakpoint
CREATE INDEX "audit_events_project_outcome_idx" ON "audit_events" USING btree ("project_id","outcome","seq");--> statement-breakpoint
CREATE INDEX "audit_events_project_target_idx" ON "audit_events" USING btree ("project_id","target_type","target_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_project_actor_idx" ON "audit_events" USING btree ("project_id","actor_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_project_label_idx" ON "audit_events" USING btree ("project_id","actor_label","seq");--> statement-breakpoint
CREATE INDEX "audit_events_project_at_idx" ON "audit_events" USING btree ("project_id","at");