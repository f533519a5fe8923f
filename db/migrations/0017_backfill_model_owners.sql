-- Models were platform-wide until 0016. Each existing model gets an owning project: the project of its
-- earliest run; a model never run goes to the demo project when there is one, else it stays unowned
-- (every project may still use it; nobody changes its slot until `segflow models register --project`
-- names an owner). Every other project that already ran the model keeps using it through a grant.
UPDATE "models" m SET "owner_project_id" = COALESCE(
  (SELECT r."project_id" FROM "runs" r JOIN "model_versions" mv ON mv."id" = r."model_version_id"
    WHERE mv."model_id" = m."id" ORDER BY r."created_at" ASC, r."id" ASC LIMIT 1),
  (SELECT p."id" FROM "projects" p WHERE p."slug" = 'demo')
) WHERE m."owner_project_id" IS NULL;
--> statement-breakpoint
INSERT INTO "model_grants" ("model_id", "project_id", "granted_at")
SELECT DISTINCT mv."model_id", r."project_id", now()
FROM "runs" r JOIN "model_versions" mv ON mv."id" = r."model_version_id" JOIN "models" m ON m."id" = mv."model_id"
WHERE r."project_id" IS DISTINCT FROM m."owner_project_id"
ON CONFLICT DO NOTHING;
