-- The console's queue: active incidents by priority, then the due time of the SLA clock that runs
-- (the response until met, then the resolution; none, or paused, last), then the oldest first.
-- The first screen of a queue of thousands reads the first rows of this index, without a sort.
-- The read model's QUEUE_DUE is this expression, word for word: SQLite uses an expression index
-- only for the same expression.
CREATE INDEX incidents_queue ON incidents (
  priority,
  COALESCE(CASE WHEN sla_paused = 0 THEN CASE WHEN rep_responded_at IS NULL AND sla_response_due_at IS NOT NULL THEN sla_response_due_at ELSE sla_resolution_due_at END END, 9007199254740991),
  id
) WHERE status <> 'resolved';
