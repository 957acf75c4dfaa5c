/**
 * Where a store is, as the store commands take it: `sqlite:PATH` (or a bare path) and
 * `postgres:URL` (or a bare `postgres://` / `postgresql://` URL).
 */
export type StoreAddress = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string };

/** Parses a store address; null when it names neither store. */
export function parseStoreAddress(text: string): StoreAddress | null {
  if (text.startsWith('sqlite:')) return text.length > 'sqlite:'.length ? { type: 'sqlite', path: text.slice('sqlite:'.length) } : null;
  const url = text.startsWith('postgres:') && !text.startsWith('postgres://') ? text.slice('postgres:'.length) : text;
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
      return { type: 'postgres', url };
    } catch {
      return null;
    }
  }
  if (text.includes('://') || text === '') return null;
  return { type: 'sqlite', path: text };
}

/** A store address to print: a PostgreSQL URL without its password (or other secrets in the query). */
export function displayStoreAddress(address: StoreAddress): string {
  if (address.type === 'sqlite') return `sqlite:${address.path}`;
  const url = new URL(address.url);
  if (url.password) url.password = '***';
  for (const key of [...url.searchParams.keys()]) if (/pass|secret|key|token/i.test(key)) url.searchParams.set(key, '***');
  return `postgres:${url.toString()}`;
}
