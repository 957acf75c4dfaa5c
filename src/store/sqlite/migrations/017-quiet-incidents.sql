-- The active incidents a cover holds (suppressed). When no maintenance window or silence is in
-- force, they are the only ones a re-examination can change (nothing covers the others), and a
-- daemon that starts with thousands open reads these few instead of every one.
CREATE INDEX incidents_active_suppressed ON incidents (id) WHERE status <> 'resolved' AND suppressed IS NOT NULL;
