const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const SEPARATOR = 0xff;
const encoder = new TextEncoder();

/**
 * Prometheus' label-set fingerprint: 64-bit FNV-1a over the labels sorted by name, each name and
 * value followed by the byte 0xff, written as 16 lower-case hex digits. Equal to what
 * Alertmanager sends, so an alert keeps its identity whether or not the sender gave one.
 */
export function labelsFingerprint(labels: Readonly<Record<string, string>>): string {
  let hash = OFFSET;
  const add = (byte: number): void => {
    hash ^= BigInt(byte);
    hash = (hash * PRIME) & MASK;
  };
  for (const name of Object.keys(labels).sort()) {
    for (const b of encoder.encode(name)) add(b);
    add(SEPARATOR);
    for (const b of encoder.encode(labels[name] as string)) add(b);
    add(SEPARATOR);
  }
  return hash.toString(16).padStart(16, '0');
}
