-- Finding a key's last resolved incident must not walk every resolved incident: a partial index
-- on the key alone serves it in one step however large the history grows.
CREATE INDEX incidents_resolved_by_key ON incidents (incident_key, id) WHERE status = 'resolved';
