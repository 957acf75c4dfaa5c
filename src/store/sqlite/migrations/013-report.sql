-- How an incident opened quiet (maintenance, silence, inhibition), for the SLA report: an
-- incident opened under maintenance or a silence is left out of the SLA figures, whatever it
-- did afterwards. Filled from the `suppressed` entry written with the opening.
ALTER TABLE incidents ADD COLUMN opened_quiet TEXT;
UPDATE incidents SET opened_quiet = (
  SELECT json_extract(t.detail, '$.by') FROM timeline t
  WHERE t.incident_id = incidents.id AND t.event = 'suppressed' AND t.at = incidents.opened_at
  ORDER BY t.id LIMIT 1
);
-- Reports select incidents by when they opened.
CREATE INDEX incidents_by_opened ON incidents (opened_at);
