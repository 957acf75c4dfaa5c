-- Incidents: one row per incident; times are epoch milliseconds.
CREATE TABLE incidents (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_key    TEXT    NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  priority        TEXT    NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
  impact          TEXT    NOT NULL,
  category        TEXT    NOT NULL,
  health_model    TEXT    NOT NULL,
  metric          TEXT    NOT NULL,
  title           TEXT    NOT NULL,
  summary         TEXT    NOT NULL,
  runbook_url     TEXT,
  line            TEXT    NOT NULL DEFAULT 'L1',
  group_labels    TEXT    NOT NULL,
  alert_count     INTEGER NOT NULL DEFAULT 0,
  firing_count    INTEGER NOT NULL DEFAULT 0,
  delivery_count  INTEGER NOT NULL DEFAULT 0,
  reopen_count    INTEGER NOT NULL DEFAULT 0,
  started_at      INTEGER NOT NULL,
  ended_at        INTEGER,
  opened_at       INTEGER NOT NULL,
  acknowledged_at INTEGER,
  resolved_at     INTEGER,
  resolve_due_at  INTEGER,
  updated_at      INTEGER NOT NULL,
  auto_resolve    INTEGER NOT NULL DEFAULT 1,
  hold_down_ms    INTEGER NOT NULL DEFAULT 0
);

-- The invariant of dedup: at most one incident that is not resolved per key.
CREATE UNIQUE INDEX incidents_one_active_per_key ON incidents (incident_key) WHERE status <> 'resolved';
CREATE INDEX incidents_by_key ON incidents (incident_key, id);
CREATE INDEX incidents_by_status ON incidents (status, id);
CREATE INDEX incidents_by_health_model ON incidents (health_model, id);
CREATE INDEX incidents_resolve_due ON incidents (resolve_due_at) WHERE resolve_due_at IS NOT NULL;

-- Alert activations: the latest row of (source, fingerprint) is the alert's current state.
CREATE TABLE alerts (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  source            TEXT    NOT NULL,
  fingerprint       TEXT    NOT NULL,
  incident_id       INTEGER REFERENCES incidents (id),
  status            TEXT    NOT NULL CHECK (status IN ('firing', 'resolved')),
  starts_at         INTEGER NOT NULL,
  ends_at           INTEGER,
  labels            TEXT    NOT NULL,
  annotations       TEXT    NOT NULL,
  generator_url     TEXT,
  delivery_count    INTEGER NOT NULL DEFAULT 1,
  first_received_at INTEGER NOT NULL,
  last_received_at  INTEGER NOT NULL
);

CREATE INDEX alerts_by_identity ON alerts (source, fingerprint, id);
CREATE UNIQUE INDEX alerts_one_per_incident ON alerts (incident_id, source, fingerprint);

CREATE TABLE timeline (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents (id),
  at          INTEGER NOT NULL,
  event       TEXT    NOT NULL,
  detail      TEXT    NOT NULL
);

CREATE INDEX timeline_by_incident ON timeline (incident_id, id);

-- Receipts of accepted webhook bodies, so that a replay changes nothing and gets the same answer.
CREATE TABLE webhook_receipts (
  digest      TEXT    PRIMARY KEY,
  source      TEXT    NOT NULL,
  received_at INTEGER NOT NULL,
  receipt     TEXT    NOT NULL
) WITHOUT ROWID;

CREATE INDEX webhook_receipts_by_time ON webhook_receipts (received_at);
