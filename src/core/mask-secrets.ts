/** What replaces a secret in a log line or an answer. */
export const REDACTED = '[REDACTED]';

/**
 * Returns a function that replaces every occurrence of the secrets in a text by `[REDACTED]`, or
 * null when no secret is long enough to mask (under 4 characters a secret would mask ordinary
 * words). Longer secrets go first, so one that contains another is masked whole.
 */
export function createSecretMasker(secrets: readonly string[]): ((text: string) => string) | null {
  const usable = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  if (usable.length === 0) return null;
  return (text) => {
    let out = text;
    for (const s of usable) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
}

/**
 * A `JSON.stringify` replacer that masks the secrets in every string value, for answers that echo
 * what a client sent (a path, a source name); undefined when there is nothing to mask.
 */
export function secretMaskingReplacer(secrets: readonly string[]): ((key: string, value: unknown) => unknown) | undefined {
  const mask = createSecretMasker(secrets);
  return mask ? (_key, value) => (typeof value === 'string' ? mask(value) : value) : undefined;
}
