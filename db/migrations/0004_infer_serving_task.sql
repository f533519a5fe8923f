-- The serving model's infer task carries no role any more (lib/pipeline/definition.ts SERVING_INFER_TASK):
-- runs made by earlier versions named it infer-live or infer-canary. The role stays where it always was
-- too, in runs.served_by and runs.params.serving.role.
UPDATE "run_steps" SET "name" = 'infer-serving' WHERE "name" IN ('infer-live', 'infer-canary');--> statement-breakpoint
-- Runs left 'running' by an earlier version's local executor have no lease: give them a lapsed one, so
-- the next executor takes them back (earlier versions requeued every running local run at start).
UPDATE "runs" SET "lease_expires_at" = now() WHERE "status" = 'running' AND "executor" = 'local' AND "lease_expires_at" IS NULL;
