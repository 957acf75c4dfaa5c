import { AlertmanagerSource } from './alertmanager';
import { GrafanaSource } from './grafana';
import type { AlertSource } from './source';
import type { SourceType } from './source-types';
import { ZabbixSource } from './zabbix';

/** The one place that knows every source type: a new monitoring system is added here. */
export function createSource(type: SourceType): AlertSource {
  switch (type) {
    case 'alertmanager':
      return new AlertmanagerSource();
    case 'grafana':
      return new GrafanaSource();
    case 'zabbix':
      return new ZabbixSource();
  }
}
