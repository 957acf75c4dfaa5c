-- Quiet: why an incident pages nobody now (maintenance, a silence, inhibition), whether it has
-- paged at all, and its flapping state with the times of its recent state changes.
ALTER TABLE incidents ADD COLUMN suppressed TEXT;
ALTER TABLE incidents ADD COLUMN paged INTEGER NOT NULL DEFAULT 1;
ALTER TABLE incidents ADD COLUMN flapping INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN flap_changes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN flap_window_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN state_changes TEXT;
ALTER TABLE incidents ADD COLUMN settle_due_at INTEGER;
CREATE INDEX incidents_settle_due ON incidents (settle_due_at) WHERE settle_due_at IS NOT NULL;
-- Active incidents are re-examined when a cover begins or ends; those of a health model when an inhibiting one resolves.
CREATE INDEX incidents_active_ids ON incidents (id) WHERE status <> 'resolved';
CREATE INDEX incidents_active_by_model ON incidents (health_model, impact) WHERE status <> 'resolved';
