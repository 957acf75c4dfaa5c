import { createHash, timingSafeEqual } from 'node:crypto';
import { findDuplicatePeople } from '../config/duplicate-people';
import type { PersonConfig } from '../config/schema';
import type { Line, Role } from '../core/vocabulary';

/** A configured person as the rest of the daemon sees them; it never carries the token. */
export interface Person {
  /** Unique and lower-case; the actor name on the timeline. */
  name: string;
  /** How the console shows the person: the configured displayName, else the name. */
  displayName: string;
  role: Role;
  lines: Line[];
  /** The customer a `customer` person belongs to; null for the support company's people. */
  customer: string | null;
  telegramUserId: number | null;
  email: string | null;
}

/** Builds a person from its config entry, dropping the token. */
export function personFromConfig(c: PersonConfig): Person {
  return {
    name: c.name,
    displayName: c.displayName ?? c.name,
    role: c.role,
    lines: [...(c.lines ?? [])],
    customer: c.customer ?? null,
    telegramUserId: c.telegramUserId ?? null,
    email: c.email ?? null,
  };
}

const RANK: Record<Exclude<Role, 'customer'>, number> = { viewer: 1, responder: 2, admin: 3 };

/**
 * True when `role` may do what `required` may: admin > responder > viewer. A customer is outside
 * that order: it passes only where `customer` itself is required, and no staff role passes there.
 */
export function roleAllows(role: Role, required: Role): boolean {
  if (role === 'customer' || required === 'customer') return role === required;
  return RANK[role] >= RANK[required];
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * The configured people, found by name or by API token. Only SHA-256 digests of the tokens are
 * kept, and a lookup compares the given token's digest with every person's in constant time, so
 * neither the time taken nor an early exit tells how close a guess was or whose token it matched.
 */
export class People {
  private readonly entries: readonly { digest: Buffer; person: Person }[];
  private readonly named: ReadonlyMap<string, Person>;
  private readonly everyone: readonly Person[];

  /** Throws when two entries share a name or a token (the config loader reports those with their positions). */
  constructor(configs: readonly PersonConfig[]) {
    const duplicates = findDuplicatePeople(configs);
    if (duplicates.length > 0) {
      throw new Error(duplicates.map((d) => `people[${d.index}].${d.key}: the same ${d.key} as people[${d.first}]`).join('\n'));
    }
    const all = configs.map((c) => ({ token: c.token, person: personFromConfig(c) }));
    this.entries = all.flatMap((e) => (e.token === undefined ? [] : [{ digest: digest(e.token), person: e.person }]));
    this.everyone = all.map((e) => e.person);
    this.named = new Map(this.everyone.map((p) => [p.name, p]));
  }

  /** True when some person has a token, so the API needs a person; false leaves it open (on loopback only). */
  get configured(): boolean {
    return this.entries.length > 0;
  }

  /** Every person, in config order, with or without a token. */
  list(): Person[] {
    return [...this.everyone];
  }

  /** The person of that name, or null. */
  byName(name: string): Person | null {
    return this.named.get(name) ?? null;
  }

  /** The person whose Telegram account this is (`telegramUserId`), or null. */
  byTelegramUserId(telegramUserId: number): Person | null {
    // People without an API token may still act from Telegram.
    return this.everyone.find((p) => p.telegramUserId === telegramUserId) ?? null;
  }

  /** The person whose token this is, or null. Takes the same time whichever person matches, or none. */
  byToken(token: string): Person | null {
    const given = digest(token);
    let found: Person | null = null;
    // No early exit: every digest is compared, so the time does not depend on which one matched.
    for (const e of this.entries) {
      const equal = timingSafeEqual(given, e.digest);
      if (equal && found === null) found = e.person;
    }
    return found;
  }
}
