-- The steps still to come of each incident's SLA plan, earliest first (JSON), kept beside the time
-- the first is due, so the scheduler runs a due step without reading the timeline. NULL: not
-- stored (a row from before), the scheduler computes the plan from the timeline.
ALTER TABLE sla_due ADD COLUMN steps TEXT;
