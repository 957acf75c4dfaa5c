-- The durable outbox: one row per (incident event, channel), written in the same transaction as
-- the incident change, delivered by the outbox worker.
CREATE TABLE notifications (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id     INTEGER NOT NULL REFERENCES incidents (id),
  event           TEXT    NOT NULL,
  channel         TEXT    NOT NULL,
  idempotency_key TEXT    NOT NULL UNIQUE,
  status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until     INTEGER,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  age_from        INTEGER NOT NULL,
  first_attempt_at INTEGER,
  sent_at         INTEGER,
  dead_at         INTEGER
);

CREATE INDEX notifications_due ON notifications (channel, next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX notifications_by_incident ON notifications (incident_id, id);

-- What a channel keeps about an incident to act on it later: a chat message id to edit, a ticket id.
CREATE TABLE channel_refs (
  incident_id INTEGER NOT NULL REFERENCES incidents (id),
  channel     TEXT    NOT NULL,
  ref         TEXT    NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (incident_id, channel)
) WITHOUT ROWID;
