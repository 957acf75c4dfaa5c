#!/usr/bin/env node

const USAGE = `usage:
  incident-bridge serve [--config FILE] [--listen HOST:PORT] [--db FILE]
  incident-bridge check [--config FILE] [--strict] [--format text|json] [PATHS...]
  incident-bridge test [--config FILE] FILES...
  incident-bridge explain [--config FILE] [--source NAME|TYPE] [--db FILE] [--format text|json] PAYLOAD.json
  incident-bridge incidents list|show|ack|assign|comment|escalate|resolve|reopen|pause|resume|prioritize ... (incidents --help)
  incident-bridge silence add --matcher TEXT [--matcher TEXT...] (--duration DUR | --end TIME) [--start TIME] --comment TEXT [--force]
  incident-bridge silence list [--all] | silence expire ID (silence --help)
  incident-bridge sla due [--config FILE] --calendar NAME --from TIME --duration DUR
  incident-bridge sla rebuild [--config FILE] [--db FILE] [--fix]
  incident-bridge report [--config FILE] [--db FILE] --from YYYY-MM-DD --to YYYY-MM-DD [--timezone TZ] [--group-by DIM,...] [--customer NAME] [--format json|csv] [--out FILE]
  incident-bridge backup [--config FILE] [--db FILE] --out FILE
  incident-bridge migrate [--config FILE] [--db FILE | --store sqlite:PATH|postgres:URL]
  incident-bridge copy --from sqlite:PATH --to postgres:URL`;

/**
 * Dispatches to one command per file in cli/; exits with the command's status. A command's
 * modules load only when it runs, so `serve` starts without the others' dependencies.
 */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return (await import('./cli/serve')).runServe(rest);
    case 'check':
      return (await import('./cli/check')).runCheck(rest);
    case 'test':
      return (await import('./cli/test')).runTest(rest);
    case 'explain':
      return (await import('./cli/explain')).runExplain(rest);
    case 'incidents':
      return (await import('./cli/incidents')).runIncidents(rest);
    case 'silence':
      return (await import('./cli/silence')).runSilence(rest);
    case 'sla':
      return (await import('./cli/sla')).runSla(rest);
    case 'report':
      return (await import('./cli/report')).runReport(rest);
    case 'backup':
      return (await import('./cli/backup')).runBackup(rest);
    case 'migrate':
      return (await import('./cli/migrate')).runMigrate(rest);
    case 'copy':
      return (await import('./cli/copy')).runCopy(rest);
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case undefined:
    default:
      process.stderr.write(`${command ? `unknown command "${command}"\n` : ''}${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0 || process.argv[2] !== 'serve') process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
