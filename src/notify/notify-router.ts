import type { NotifyRoute } from '../config/schema';
import type { Category, LocaleName, NotifyEvent, Priority } from '../core/vocabulary';

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

/** What routing needs of the config: routes, channel names and the customers with their channels. */
export interface RoutingConfig {
  routes: readonly NotifyRoute[];
  channels: readonly string[];
  customers: readonly { name: string; channels: readonly string[]; events: readonly string[]; locale?: LocaleName | undefined }[];
  locale: LocaleName;
}

/**
 * Routes every incident event: the support line's channels by the routes (never a customer's
 * channel, even with no routes at all), plus, for an incident of a customer, that customer's
 * channels for the events it hears (`update` goes to customers only). Pure.
 */
export function incidentRouter(config: RoutingConfig): (event: NotifyEvent, incident: RoutedIncident & { customer: string | null }) => string[] {
  const customerChannels = new Set(config.customers.flatMap((c) => c.channels));
  const support = config.channels.filter((c) => !customerChannels.has(c));
  const customers = new Map(config.customers.map((c) => [c.name, c]));
  return (event, incident) => {
    const out = event === 'update' ? [] : channelsFor(event, incident, config.routes, support);
    const customer = incident.customer === null ? undefined : customers.get(incident.customer);
    if (customer && customer.events.includes(event)) for (const c of customer.channels) if (!out.includes(c)) out.push(c);
    return out;
  };
}

/** The customer a channel belongs to and the language it is written to in; null for the support line's channels. */
export function customerOfChannel(config: RoutingConfig): (channel: string) => { name: string; locale: LocaleName } | null {
  const owners = new Map<string, { name: string; locale: LocaleName }>();
  for (const c of config.customers) for (const ch of c.channels) owners.set(ch, { name: c.name, locale: c.locale ?? config.locale });
  return (channel) => owners.get(channel) ?? null;
}
