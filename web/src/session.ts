import { signal } from '@preact/signals';
import { api, setCsrfToken } from './api';
import type { Person } from './types';

/** Who uses the console: unknown while loading, null when a token is needed. */
export const person = signal<Person | null | undefined>(undefined);

/** Asks the daemon who this is; a 401 means a token is needed. */
export async function loadPerson(): Promise<void> {
  try {
    const me = await api<Person>('GET', '/api/v1/me');
    setCsrfToken(me.csrfToken ?? null);
    person.value = me;
  } catch {
    setCsrfToken(null);
    person.value = null;
  }
}

export async function signIn(token: string): Promise<void> {
  const answer = await api<{ person: Person; csrfToken: string }>('POST', '/api/v1/session', { token });
  setCsrfToken(answer.csrfToken);
  person.value = { ...answer.person, csrfToken: answer.csrfToken };
}

export async function signOut(): Promise<void> {
  await api('DELETE', '/api/v1/session').catch(() => undefined);
  setCsrfToken(null);
  person.value = null;
}

const RANK: Record<string, number> = { viewer: 1, responder: 2, admin: 3 };

/** Whether the person may act on incidents (responder or admin; anyone when the API is open). */
export function mayAct(p: Person | null | undefined): boolean {
  if (!p) return false;
  if (p.role === null) return true;
  return (RANK[p.role] ?? 0) >= 2;
}

export function isAdmin(p: Person | null | undefined): boolean {
  return !!p && (p.role === null || p.role === 'admin');
}
