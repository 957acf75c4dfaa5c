/** The label sources set on alerts that report a monitoring gap rather than the business. */
export const MONITORING_GAP_LABEL = 'monitoring_gap';

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
  /**
   * A sender's note about the alert that changes no state (a Zabbix acknowledge, comment or
   * severity change): it lands on the timeline of the alert's incident.
   */
  update?: AlertUpdate;
}

/** A note from the monitoring system about an existing alert. */
export interface AlertUpdate {
  action: string;
  message: string;
  user: string | null;
  /** Epoch milliseconds of the update, when the sender says. */
  at: number | null;
}

/** What incident-bridge knows about a delivery besides its body. */
export interface ParseContext {
  /** When the webhook arrived, epoch milliseconds from the daemon's clock. */
  receivedAt: number;
}

/** A monitoring system's webhook format. */
export interface AlertSource {
  readonly type: string;
  /**
   * Turns a parsed JSON body into alerts; throws InvalidPayloadError naming every bad path.
   * `context` serves formats without timestamps of their own; sources that have them ignore it.
   */
  parse(body: unknown, context?: ParseContext): NormalizedAlert[];
}
