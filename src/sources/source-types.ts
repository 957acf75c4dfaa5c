/** The monitoring systems a source entry of the config can name. */
export const SOURCE_TYPES = ['alertmanager', 'grafana', 'zabbix'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];
