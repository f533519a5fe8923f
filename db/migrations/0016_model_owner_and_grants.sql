CREATE TABLE "model_grants" (
	"model_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"granted_by" uuid,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_grants_pk" PRIMARY KEY("model_id","project_id")
);
--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "owner_project_id" uuid;--> statement-breakpoint
ALTER TABLE "model_grants" ADD CONSTRAINT "model_grants_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_grants" ADD CONSTRAINT "model_grants_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_grants" ADD CONSTRAINT "model_grants_granted_by_users_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "model_grants_project_idx" ON "model_grants" USING btree ("project_id");--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_owner_project_id_projects_id_fk" FOREIGN KEY ("owner_project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;