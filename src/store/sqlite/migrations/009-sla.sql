-- The SLA terms incidents open under, stored once each by the digest of their JSON.
CREATE TABLE sla_terms (
  digest TEXT PRIMARY KEY,
  terms TEXT NOT NULL
) WITHOUT ROWID;
-- Each incident keeps its terms, and its SLA state as an index of its timeline (JSON).
ALTER TABLE incidents ADD COLUMN sla_terms TEXT REFERENCES sla_terms (digest);
ALTER TABLE incidents ADD COLUMN sla TEXT;
-- What is due next per incident: the SLA scheduler polls this by time.
CREATE TABLE sla_due (
  incident_id INTEGER PRIMARY KEY REFERENCES incidents (id),
  due_at INTEGER NOT NULL
);
CREATE INDEX sla_due_by_time ON sla_due (due_at);
