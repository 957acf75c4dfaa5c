import type { LinesConfig, NotifyRoute } from '../config/schema';
import type { Category, Line, LocaleName, NotifyEvent, Priority } from '../core/vocabulary';

/** What routing looks at: what routes match on, and the line that owns the incident now. */
export interface RoutedIncident {
  healthModel: string;
  priority: Priority;
  category: Category;
  line: Line;
}

/**
 * The channels an incident event goes to: routes are tried in order; a matching route adds its
 * channels and stops unless it says `continue`. With no routes at all, every event goes to
 * every channel. Pure; each channel appears once.
 */
export function channelsFor(event: NotifyEvent, incident: Omit<RoutedIncident, 'line'>, routes: readonly NotifyRoute[], allChannels: readonly string[]): string[] {
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

/** What routing needs of the config: routes, channel names, the support lines' channels and the customers with their channels. */
export interface RoutingConfig {
  routes: readonly NotifyRoute[];
  channels: readonly string[];
  /** With lines, a support-line event goes to the line's channels plus what the routes add. */
  lines?: LinesConfig | undefined;
  customers: readonly { name: string; channels: readonly string[]; events: readonly string[]; locale?: LocaleName | undefined }[];
  locale: LocaleName;
}

/**
 * Routes every incident event: the support line's channels, plus, for an incident of a customer,
 * that customer's channels for the events it hears (`update` goes to customers only). Without
 * `lines`, the support line's channels are the routes' (every channel with no routes). With
 * `lines`, they are the channels of the line concerned (the third argument, by default the
 * incident's own line) followed by those the routes add; a channel no line or route names hears
 * nothing. A customer's channel is never a support channel, even with no routes at all. Pure;
 * each channel appears once.
 */
export function incidentRouter(config: RoutingConfig): (event: NotifyEvent, incident: RoutedIncident & { customer: string | null }, line?: Line) => string[] {
  const customerChannels = new Set(config.customers.flatMap((c) => c.channels));
  const support = config.channels.filter((c) => !customerChannels.has(c));
  const customers = new Map(config.customers.map((c) => [c.name, c]));
  const lines = config.lines;
  const supportChannels = (event: NotifyEvent, incident: RoutedIncident, line: Line): string[] => {
    if (!lines) return channelsFor(event, incident, config.routes, support);
    // With lines, no routes means no extra channel, not every channel: hence no fallback list.
    const routed = channelsFor(event, incident, config.routes, []);
    const out: string[] = [];
    for (const c of [...(lines[line]?.channels ?? []), ...routed]) if (!customerChannels.has(c) && !out.includes(c)) out.push(c);
    return out;
  };
  return (event, incident, line = incident.line) => {
    const out = event === 'update' ? [] : supportChannels(event, incident, line);
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
