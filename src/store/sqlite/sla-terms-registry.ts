import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { SlaTerms } from '../../core/sla-terms';

/**
 * The SLA terms of one database, stored once each under the digest of their JSON. Incidents
 * refer to their terms by digest; terms objects are cached both ways, so the many incidents of a
 * health model share one parsed object.
 */
export class SlaTermsRegistry {
  private readonly digests = new WeakMap<SlaTerms, string>();
  private readonly byDigest = new Map<string, SlaTerms>();
  private readonly insert: Database.Statement;
  private readonly select: Database.Statement;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO sla_terms (digest, terms) VALUES (?, ?)');
    this.select = db.prepare('SELECT terms FROM sla_terms WHERE digest = ?');
  }

  /**
   * The digest of terms, stored in the caller's transaction when new (a rolled-back unit's insert
   * is repeated by the next one: the insert is idempotent).
   */
  store(terms: SlaTerms): string {
    let digest = this.digests.get(terms);
    if (digest === undefined) {
      const text = JSON.stringify(terms);
      digest = createHash('sha256').update(text).digest('hex').slice(0, 32);
      this.digests.set(terms, digest);
      if (!this.byDigest.has(digest)) this.byDigest.set(digest, terms);
    }
    this.insert.run(digest, JSON.stringify(this.byDigest.get(digest)));
    return digest;
  }

  /** The terms of a digest, or null for none (or terms that vanished). */
  terms(digest: string | null): SlaTerms | null {
    if (digest === null) return null;
    let terms = this.byDigest.get(digest);
    if (terms === undefined) {
      const row = this.select.get(digest) as { terms: string } | undefined;
      if (!row) return null;
      terms = JSON.parse(row.terms) as SlaTerms;
      this.byDigest.set(digest, terms);
      this.digests.set(terms, digest);
    }
    return terms;
  }
}

const byDatabase = new WeakMap<Database.Database, SlaTermsRegistry>();

/** The registry of a database connection (one per connection). */
export function slaTermsOf(db: Database.Database): SlaTermsRegistry {
  let registry = byDatabase.get(db);
  if (!registry) {
    registry = new SlaTermsRegistry(db);
    byDatabase.set(db, registry);
  }
  return registry;
}
