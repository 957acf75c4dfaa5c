import type { NotifyRoute } from '../config/schema';
import type { Category, NotifyEvent, Priority } from '../core/vocabulary';

/** What routing looks at. */
export interface RoutedIncident {
  healthModel: string;
  priority: Priority;
  category: Category;
}

/**
 * The channels an incident event goes to: routes are tried in order; a matching route adds its
 * channels and stops unless it says `continue`. With no routes at all, every event goes to
 * every channel. Pure; each channel appears once.
 */
export function channelsFor(event: NotifyEvent, incident: RoutedIncident, routes: readonly NotifyRoute[], allChannels: readonly string[]): string[] {
  if (routes.length === 0) return [...allChannels];
  const out: string[] = [];
  for (const r of routes) {
    if (r.events && !r.events.includes(event)) continue;
    if (r.healthModels && !r.healthModels.includes(incident.healthModel)) continue;
    if (r.priorities && !r.priorities.includes(incident.priority)) continue;
    if (r.categories && !r.categories.includes(incident.category)) continue;
    for (const c of r.channels) if (!out.includes(c)) out.push(c);
    if (!r.continue) break;
  }
  return out;
}
