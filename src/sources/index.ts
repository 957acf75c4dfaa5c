import { AlertmanagerSource } from './alertmanager';
import type { AlertSource } from './source';
import type { SourceType } from './source-types';

/** The one place that knows every source type: a new monitoring system is added here. */
export function createSource(type: SourceType): AlertSource {
  switch (type) {
    case 'alertmanager':
      return new AlertmanagerSource();
  }
}
