-- Approved minutes are locked: no role of the application can change or remove them. A later
-- change is a new version (a new row), approved again.
CREATE OR REPLACE FUNCTION meeting_minutes_refuse_change() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'approved' THEN
    RAISE EXCEPTION 'meeting_minutes % (version %) is approved and locked', OLD.meeting_id, OLD.version USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER meeting_minutes_locked
  BEFORE UPDATE OR DELETE ON meeting_minutes
  FOR EACH ROW EXECUTE FUNCTION meeting_minutes_refuse_change();
