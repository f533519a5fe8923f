CREATE TABLE "study_modalities" (
	"study_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"modality" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "study_modalities_study_id_modality_pk" PRIMARY KEY("study_id","modality")
);
--> statement-breakpoint
ALTER TABLE "study_modalities" ADD CONSTRAINT "study_modalities_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_modalities" ADD CONSTRAINT "study_modalities_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "study_modalities_list_idx" ON "study_modalities" USING btree ("project_id","modality","created_at","study_id");--> statement-breakpoint
-- study_modalities follows series: a series with a modality adds (study, modality); the last series of
-- a study with that modality going (deleted, or its stated modality changed) removes it.
CREATE OR REPLACE FUNCTION study_modalities_sync() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.modality IS NOT NULL THEN
    DELETE FROM study_modalities sm
      WHERE sm.study_id = OLD.study_id AND sm.modality = OLD.modality
        AND NOT EXISTS (SELECT 1 FROM series s WHERE s.study_id = OLD.study_id AND s.modality = OLD.modality AND s.id <> OLD.id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.modality IS NOT NULL THEN
    INSERT INTO study_modalities (study_id, project_id, modality, created_at)
      SELECT st.id, st.project_id, NEW.modality, st.created_at FROM studies st WHERE st.id = NEW.study_id
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER series_study_modalities AFTER INSERT OR DELETE OR UPDATE OF modality ON series
  FOR EACH ROW EXECUTE FUNCTION study_modalities_sync();
--> statement-breakpoint
INSERT INTO study_modalities (study_id, project_id, modality, created_at)
  SELECT DISTINCT st.id, st.project_id, s.modality, st.created_at FROM series s JOIN studies st ON st.id = s.study_id WHERE s.modality IS NOT NULL
  ON CONFLICT DO NOTHING;
