-- Pending audit events (reads, not yet in the hash chain) cannot be changed, and leave their table only
-- into the chain: DELETE of a row is refused unless audit_events holds the chained copy (pending_id).
-- UPDATE and TRUNCATE raise. As for audit_events, only a superuser can bypass these triggers.
CREATE OR REPLACE FUNCTION audit_pending_events_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_events WHERE pending_id = OLD.id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_pending_events: % refused (a pending audit event leaves only into the hash chain)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_pending_events_no_update BEFORE UPDATE OR DELETE ON audit_pending_events
  FOR EACH ROW EXECUTE FUNCTION audit_pending_events_guard();
--> statement-breakpoint
CREATE TRIGGER audit_pending_events_no_truncate BEFORE TRUNCATE ON audit_pending_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_pending_events_guard();
