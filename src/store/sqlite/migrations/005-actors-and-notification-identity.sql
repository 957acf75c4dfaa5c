-- Every timeline entry names its actor: a person, the daemon itself (system) or a monitoring source.
ALTER TABLE timeline ADD COLUMN actor_type TEXT NOT NULL DEFAULT 'system' CHECK (actor_type IN ('person', 'system', 'source'));
ALTER TABLE timeline ADD COLUMN actor_name TEXT NOT NULL DEFAULT 'incident-bridge';
-- Entries written before actors were recorded: an alert's source is the actor where the entry names one.
UPDATE timeline SET actor_type = 'source', actor_name = json_extract(detail, '$.source')
  WHERE json_extract(detail, '$.source') IS NOT NULL AND event <> 'resolved';
UPDATE timeline SET actor_name = 'hold-down' WHERE event = 'resolve_scheduled'
  OR (event = 'resolved' AND json_extract(detail, '$.cause') LIKE 'hold-down%');
UPDATE timeline SET actor_name = 'outbox' WHERE event = 'notification_dead';

-- A notification's identity in columns: incident, event, occurrence, step and channel. The
-- idempotency key stays as the identity written as one string, for channels and the API.
ALTER TABLE notifications ADD COLUMN occurrence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN step TEXT NOT NULL DEFAULT '';
-- Rows queued before: the key was `<incident>:<event>:<occurrence>:<channel>`.
UPDATE notifications SET occurrence = CAST(substr(idempotency_key, length(incident_id || ':' || event || ':') + 1) AS INTEGER);
CREATE UNIQUE INDEX notifications_identity ON notifications (incident_id, event, occurrence, step, channel);
