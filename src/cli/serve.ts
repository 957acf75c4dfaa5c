import { createApp } from '../app';
import { loadConfig } from '../config/load-config';
import { FileProblemsError, formatProblem } from '../core/errors';
import { parseCommandOptions } from './options';

/**
 * `incident-bridge serve [--config FILE] [--listen HOST:PORT] [--db FILE]`: runs the daemon
 * until SIGTERM or SIGINT; SIGHUP reloads the health models.
 */
export async function runServe(args: string[]): Promise<number> {
  const { config, positionals: _unused, ...overrides } = parseCommandOptions(args);
  let loaded;
  try {
    loaded = loadConfig(config, overrides);
  } catch (error) {
    if (!(error instanceof FileProblemsError)) throw error;
    for (const p of error.problems) process.stderr.write(`${formatProblem(p)}\n`);
    return 1;
  }
  const app = createApp({ config: loaded, slaThread: true });
  await app.start();
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    app.logger.info('stopping', { signal });
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error('stop failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => app.reload());
  return 0;
}
