import type { Role } from '../core/vocabulary';

/** What a request needs: nothing (`open`), any person (`person`), or a person with at least a role. */
export type Access = 'open' | 'person' | Role;

/** One row of the policy: a method and a path pattern, matched as Express matches its routes. */
interface AccessRule {
  method: string;
  path: string;
  access: Access;
  /** A `customer` person passes too; the route scopes the answer to its customer (others are 404). */
  customers?: true;
}

/**
 * Every endpoint outside the webhooks and what it needs when people are configured. Webhooks
 * never reach this table: they take their source's own authentication on their own path.
 */
export const ACCESS_RULES: readonly AccessRule[] = [
  { method: 'GET', path: '/-/healthy', access: 'open' },
  // The console's page and assets: the page asks for a person itself; every answer with data needs one.
  { method: 'GET', path: '/', access: 'open' },
  { method: 'GET', path: '/incidents/:id', access: 'open' },
  { method: 'GET', path: '/board', access: 'open' },
  { method: 'GET', path: '/silences', access: 'open' },
  { method: 'GET', path: '/rules', access: 'open' },
  { method: 'GET', path: '/reports', access: 'open' },
  { method: 'GET', path: '/assets/:file', access: 'open' },
  { method: 'GET', path: '/api/v1/stream', access: 'viewer', customers: true },
  { method: 'GET', path: '/-/ready', access: 'open' },
  { method: 'GET', path: '/metrics', access: 'open' },
  { method: 'POST', path: '/api/v1/session', access: 'open' },
  { method: 'DELETE', path: '/api/v1/session', access: 'open' },
  { method: 'GET', path: '/api/v1/me', access: 'person' },
  { method: 'GET', path: '/api/v1/incidents', access: 'viewer', customers: true },
  { method: 'GET', path: '/api/v1/incidents/:id', access: 'viewer', customers: true },
  { method: 'POST', path: '/api/v1/incidents/:id/:action', access: 'responder', customers: true },
  // Silences: no `customers` flag, so a customer's person is refused (403) on every one of them.
  { method: 'GET', path: '/api/v1/silences', access: 'viewer' },
  { method: 'POST', path: '/api/v1/silences', access: 'responder' },
  { method: 'DELETE', path: '/api/v1/silences/:id', access: 'responder' },
  // The maintenance windows, like silences, are the support company's: no customer.
  { method: 'GET', path: '/api/v1/maintenance', access: 'viewer' },
  { method: 'GET', path: '/api/v1/knowledge', access: 'viewer' },
  { method: 'GET', path: '/api/v1/reports/sla', access: 'viewer', customers: true },
  { method: 'GET', path: '/api/v1/rejections', access: 'viewer' },
  { method: 'GET', path: '/api/v1/rules', access: 'viewer' },
  { method: 'POST', path: '/api/v1/explain', access: 'viewer' },
  { method: 'POST', path: '/api/v1/notifications/:id/resend', access: 'admin' },
  { method: 'POST', path: '/-/reload', access: 'admin' },
];

/** What a request whose route has no row needs: failing closed, a forgotten row cannot open a route. */
export const UNLISTED_ACCESS: Access = 'admin';

// Express matches paths case-insensitively, with an optional trailing slash, on the raw
// (undecoded) path; the patterns do the same so that no spelling of a route escapes its row.
const COMPILED = ACCESS_RULES.map((r) => ({
  method: r.method,
  pattern: new RegExp(`^${r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[a-z]+/g, '[^/]+')}/?$`, 'i'),
  access: r.access,
  customers: r.customers === true,
}));

/** The access a request needs, from its method and path (without the query). HEAD is GET. */
export function requiredAccess(method: string, path: string): Access {
  return accessRuleOf(method, path).access;
}

/** The access a request needs and whether a customer person may pass (to a route that scopes it). */
export function accessRuleOf(method: string, path: string): { access: Access; customers: boolean } {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  for (const r of COMPILED) if (r.method === m && r.pattern.test(path)) return r;
  return { access: UNLISTED_ACCESS, customers: false };
}
