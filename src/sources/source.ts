/** An alert as every source hands it to the engine, whatever system sent it. */
export interface NormalizedAlert {
  /** Identity within its source: the sender's fingerprint, or one computed from the labels. */
  fingerprint: string;
  status: 'firing' | 'resolved';
  /** A prototype-free object: `__proto__` and `constructor` are ordinary label names here. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Epoch milliseconds. */
  startsAt: number;
  /** Epoch milliseconds, or null while the alert has not ended. */
  endsAt: number | null;
  generatorURL: string | null;
}

/** A monitoring system's webhook format. */
export interface AlertSource {
  readonly type: string;
  /** Turns a parsed JSON body into alerts; throws InvalidPayloadError naming every bad path. */
  parse(body: unknown): NormalizedAlert[];
}
