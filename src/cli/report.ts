import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ReportRequestError, parseGroupBy, printableReport, reportCsv, slaReport } from '../incidents/sla-report';
import { reportHtml } from './report-document';
import { openStoreReadOnly } from '../store/open-store';
import { DEFAULT_CONFIG, loadCommandConfig } from './options';

const USAGE = 'usage: incident-bridge report [--config FILE] [--db FILE] --from YYYY-MM-DD --to YYYY-MM-DD [--timezone TZ] [--group-by DIM,...] [--customer NAME] [--format json|csv|html|pdf] [--target PERCENT] [--chromium PATH] [--out FILE]';
const FORMATS = ['json', 'csv', 'html', 'pdf'];

/**
 * `incident-bridge report`: the SLA report of the incidents opened in [from, to) (local dates in
 * the time zone, UTC by default), read from the store without changing it, as of now; JSON or
 * CSV on standard output or into --out. Exits 0; 1 on a bad request or a config with errors;
 * 2 on a usage error.
 */
export async function runReport(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let values: { config?: string; db?: string; from?: string; to?: string; timezone?: string; 'group-by'?: string; customer?: string; format?: string; out?: string; target?: string; chromium?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        config: { type: 'string', short: 'c', default: DEFAULT_CONFIG },
        db: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        timezone: { type: 'string' },
        'group-by': { type: 'string' },
        customer: { type: 'string' },
        format: { type: 'string', default: 'json' },
        out: { type: 'string', short: 'o' },
        target: { type: 'string' },
        chromium: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    err.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.from === undefined || values.to === undefined) {
    err.write(`--from and --to are required\n${USAGE}\n`);
    return 2;
  }
  const format = values.format ?? 'json';
  if (!FORMATS.includes(format)) {
    err.write(`--format must be one of ${FORMATS.join(', ')}, got "${format}"\n${USAGE}\n`);
    return 2;
  }
  if (format === 'pdf' && values.out === undefined) {
    err.write(`--format pdf needs --out FILE\n${USAGE}\n`);
    return 2;
  }
  const target = values.target === undefined ? undefined : Number(values.target);
  if (target !== undefined && !(Number.isFinite(target) && target >= 0 && target <= 100)) {
    err.write(`--target must be a percent from 0 to 100, got "${values.target}"\n`);
    return 2;
  }
  const loaded = loadCommandConfig(values.config, values.db, err);
  if (loaded === null) return 1;
  const store = await openStoreReadOnly(loaded.store);
  try {
    const request = {
      from: values.from,
      to: values.to,
      groupBy: parseGroupBy(values['group-by']),
      ...(values.timezone === undefined ? {} : { timezone: values.timezone }),
      ...(values.customer === undefined ? {} : { customer: values.customer }),
    };
    let text: string | Buffer;
    if (format === 'html' || format === 'pdf') {
      const printable = await printableReport(store.readModel, request, Date.now(), target ?? loaded.config.reports.target);
      const customer = values.customer === undefined ? null : (loaded.config.customers.find((c) => c.name === values.customer)?.displayName ?? values.customer);
      const html = reportHtml(printable, { customer });
      text = format === 'html' ? html : await (await import('./report-pdf')).htmlToPdf(html, values.chromium);
    } else {
      const report = await slaReport(store.readModel, request, Date.now());
      text = format === 'csv' ? reportCsv(report) : `${JSON.stringify(report, null, 2)}\n`;
    }
    if (values.out !== undefined) writeFileSync(values.out, text);
    else out.write(text);
    return 0;
  } catch (error) {
    if (error instanceof Error && /no such (index|column|table)/.test(error.message)) {
      // The store is opened read-only and not migrated: one from an older version lacks the report's columns.
      err.write(`the store ${loaded.storePath} is from an older incident-bridge: start the daemon on it once (it migrates the store), then run the report\n`);
      return 1;
    }
    if (!(error instanceof ReportRequestError)) throw error;
    err.write(`--${error.field === 'groupBy' ? 'group-by' : error.field}: ${error.message}\n`);
    return 1;
  } finally {
    await store.close();
  }
}
