ALTER TABLE "model_versions" ADD COLUMN "evidence" jsonb;--> statement-breakpoint
ALTER TABLE "run_steps" ADD COLUMN "checks" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "warnings" jsonb DEFAULT '[]'::jsonb NOT NULL;