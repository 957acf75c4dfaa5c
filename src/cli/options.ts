import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config';
import type { LoadedConfig } from '../config/load-config';
import { FileProblemsError, formatProblem } from '../core/errors';

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

/**
 * Loads the config (with the store file given by --db, if any) for a command; a config with
 * errors is written to `err` as FILE:LINE:COL lines and gives null (the command exits 1).
 */
export function loadCommandConfig(config: string | undefined, db: string | undefined, err: NodeJS.WritableStream): LoadedConfig | null {
  try {
    return loadConfig(config ?? DEFAULT_CONFIG, db !== undefined ? { db } : {});
  } catch (error) {
    if (!(error instanceof FileProblemsError)) throw error;
    for (const p of error.problems) err.write(`${formatProblem(p)}\n`);
    return null;
  }
}
