import winston from 'winston';
import { createSecretMasker } from './mask-secrets';

/** The structured logger every component receives; `child` adds fields such as `incidentId`. */
export type Logger = winston.Logger;

/**
 * Replaces every registered secret value in a log entry by `[REDACTED]`, so a token that
 * slips into a message or an error never reaches the log.
 */
function redact(secrets: readonly string[]): winston.Logform.Format {
  const mask = createSecretMasker(secrets);
  const scrub = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') return mask ? mask(value) : value;
    // Nested fields (an error's message and stack, a request's headers) are scrubbed too, a few levels deep.
    if (value !== null && typeof value === 'object' && depth < 4) {
      const copy: Record<string, unknown> = Array.isArray(value) ? ([] as unknown as Record<string, unknown>) : {};
      for (const [k, v] of Object.entries(value)) copy[k] = scrub(v, depth + 1);
      return copy;
    }
    return value;
  };
  return winston.format((info) => {
    if (!mask) return info;
    for (const key of Object.keys(info)) {
      (info as Record<string, unknown>)[key] = scrub((info as Record<string, unknown>)[key]);
    }
    return info;
  })();
}

/** Errors inside the metadata (`{ error }`) keep their message and stack; JSON would print `{}`. */
const errorFields = winston.format((info) => {
  for (const key of Object.keys(info)) {
    const value = (info as Record<string, unknown>)[key];
    if (value instanceof Error) (info as Record<string, unknown>)[key] = { name: value.name, message: value.message, stack: value.stack };
  }
  return info;
});

/** Creates the JSON logger on stdout; `secrets` are masked wherever they appear. */
export function createLogger(options: { level?: string; secrets?: readonly string[]; silent?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      errorFields(),
      winston.format.timestamp(),
      redact(options.secrets ?? []),
      winston.format.json(),
    ),
    transports: [options.stream ? new winston.transports.Stream({ stream: options.stream }) : new winston.transports.Console()],
  });
}
