import { parseArgs } from 'node:util';

/** The config file used when --config is not given. */
export const DEFAULT_CONFIG = 'config/incident-bridge.yaml';

/** Parses `serve`/`check` flags; unknown flags are an error. */
export function parseCommandOptions(args: string[]): { config: string; listen?: string; db?: string; positionals: string[] } {
  const { values, positionals } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c', default: DEFAULT_CONFIG },
      listen: { type: 'string' },
      db: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  return {
    config: values.config ?? DEFAULT_CONFIG,
    ...(values.listen !== undefined ? { listen: values.listen } : {}),
    ...(values.db !== undefined ? { db: values.db } : {}),
    positionals,
  };
}
