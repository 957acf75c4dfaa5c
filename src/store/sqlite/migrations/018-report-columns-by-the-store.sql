-- The report's columns (migration 014) are written by the store itself, with the incident, in the
-- same INSERT or UPDATE, and only those whose value changes: the triggers wrote each such row a
-- second time, and rewrote the entries of the report's and the queue's indexes even when no value
-- moved (an SLA reminder changes the index JSON, not its due times). The values of the incidents
-- stored so far are the triggers' and stay as they are.
DROP TRIGGER incidents_report_columns_insert;
DROP TRIGGER incidents_report_columns_update;
