-- An alert's current state is the row with its latest activation (greatest starts_at), not the
-- row written last: a resolve that arrives before its firing leaves an unattached row behind.
DROP INDEX alerts_by_identity;
CREATE INDEX alerts_by_activation ON alerts (source, fingerprint, starts_at, id);
