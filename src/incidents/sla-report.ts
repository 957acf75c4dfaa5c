import { DateTime } from 'luxon';
import { REPORT_DIMENSIONS } from '../store/store';
import type { IncidentReadModel, ReportBreach, ReportDimension, ReportMetric, ReportTally } from '../store/store';

/** What a report is asked for: local dates [from, to) in a time zone, grouping, one customer. */
export interface ReportRequest {
  from: string;
  to: string;
  timezone?: string;
  groupBy?: readonly ReportDimension[];
  customer?: string;
}

/** Met and breached of one clock; percent = met / (met + breached) x 100, null when both are 0. */
export interface ClockFigures {
  met: number;
  breached: number;
  percent: number | null;
}

/** The figures of a group or of the total, as the contract defines them. */
export interface ReportFigures {
  incidents: number;
  acknowledged: number;
  resolved: number;
  mttaSeconds: number | null;
  mttrSeconds: number | null;
  response: ClockFigures;
  resolution: ClockFigures;
  suppressed: number;
}

export interface SlaReport {
  from: string;
  to: string;
  timezone: string;
  groupBy: ReportDimension[];
  customer: string | null;
  groups: ({ key: Partial<Record<ReportDimension, string | null>> } & ReportFigures)[];
  total: ReportFigures;
}

/** A request the report cannot answer: the field and why. */
export class ReportRequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The instants a request's local dates stand for: [from 00:00, to 00:00) in its zone. Throws ReportRequestError. */
export function reportPeriod(request: Pick<ReportRequest, 'from' | 'to' | 'timezone'>): { fromMs: number; toMs: number; timezone: string } {
  const timezone = request.timezone ?? 'UTC';
  if (!DateTime.local().setZone(timezone).isValid) throw new ReportRequestError('timezone', `unknown time zone "${timezone}"`);
  const day = (field: 'from' | 'to'): number => {
    const text = request[field];
    const d = DATE.test(text) ? DateTime.fromISO(text, { zone: timezone }) : null;
    if (!d || !d.isValid) throw new ReportRequestError(field, `${field} must be a date YYYY-MM-DD, got "${text}"`);
    return d.startOf('day').toMillis();
  };
  const fromMs = day('from');
  const toMs = day('to');
  if (toMs <= fromMs) throw new ReportRequestError('to', `to (${request.to}) must be after from (${request.from})`);
  return { fromMs, toMs, timezone };
}

/** Reads a comma-separated groupBy. Throws ReportRequestError on an unknown dimension or a repeat. */
export function parseGroupBy(text: string | undefined): ReportDimension[] {
  if (text === undefined || text.trim() === '') return [];
  const out: ReportDimension[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    if (!(REPORT_DIMENSIONS as readonly string[]).includes(part)) throw new ReportRequestError('groupBy', `cannot group by "${part}": one of ${REPORT_DIMENSIONS.join(', ')}`);
    if (out.includes(part as ReportDimension)) throw new ReportRequestError('groupBy', `"${part}" is given twice`);
    out.push(part as ReportDimension);
  }
  return out;
}

/**
 * The SLA report of the incidents opened in the period, as of `now`: figures per group and in
 * total. Every figure comes from the incidents' timelines through their SLA index (see
 * ReportTally). Throws ReportRequestError on a bad request.
 */
export async function slaReport(readModel: IncidentReadModel, request: ReportRequest, now: number): Promise<SlaReport> {
  return (await reportWithTallies(readModel, request, now)).report;
}

/** The report and the sums of its groups (from which coarser groupings add up without another pass). */
async function reportWithTallies(readModel: IncidentReadModel, request: ReportRequest, now: number): Promise<{ report: SlaReport; tallies: ReportTally[] }> {
  const { fromMs, toMs, timezone } = reportPeriod(request);
  const groupBy = [...(request.groupBy ?? [])];
  const selection = { fromMs, toMs, now, groupBy, ...(request.customer === undefined ? {} : { customer: request.customer }) };
  const tallies = await readModel.reportTallies(selection);
  const total = groupBy.length === 0 ? (tallies[0] ?? emptyTally()) : tallies.reduce(add, emptyTally());
  const report: SlaReport = {
    from: request.from,
    to: request.to,
    timezone,
    groupBy,
    customer: request.customer ?? null,
    groups: groupBy.length === 0 ? [] : tallies.map((t) => ({ key: t.key, ...figuresOf(t) })),
    total: figuresOf(total),
  };
  return { report, tallies };
}

/** The contract's figures from a group's sums. */
export function figuresOf(t: ReportTally): ReportFigures {
  const clock = (met: number, breached: number): ClockFigures => ({ met, breached, percent: met + breached === 0 ? null : (met / (met + breached)) * 100 });
  return {
    incidents: t.incidents,
    acknowledged: t.acknowledged,
    resolved: t.resolved,
    mttaSeconds: t.acknowledged === 0 ? null : t.acknowledgeMs / t.acknowledged / 1000,
    mttrSeconds: t.resolved === 0 ? null : t.resolveMs / t.resolved / 1000,
    response: clock(t.responseMet, t.responseBreached),
    resolution: clock(t.resolutionMet, t.resolutionBreached),
    suppressed: t.suppressed,
  };
}

function emptyTally(): ReportTally {
  return { key: {}, incidents: 0, acknowledged: 0, acknowledgeMs: 0, resolved: 0, resolveMs: 0, responseMet: 0, responseBreached: 0, resolutionMet: 0, resolutionBreached: 0, suppressed: 0 };
}

function add(a: ReportTally, b: ReportTally): ReportTally {
  return {
    key: {},
    incidents: a.incidents + b.incidents,
    acknowledged: a.acknowledged + b.acknowledged,
    acknowledgeMs: a.acknowledgeMs + b.acknowledgeMs,
    resolved: a.resolved + b.resolved,
    resolveMs: a.resolveMs + b.resolveMs,
    responseMet: a.responseMet + b.responseMet,
    responseBreached: a.responseBreached + b.responseBreached,
    resolutionMet: a.resolutionMet + b.resolutionMet,
    resolutionBreached: a.resolutionBreached + b.resolutionBreached,
    suppressed: a.suppressed + b.suppressed,
  };
}

const CSV_FIGURES = ['incidents', 'acknowledged', 'resolved', 'mttaSeconds', 'mttrSeconds', 'responseMet', 'responseBreached', 'responsePercent', 'resolutionMet', 'resolutionBreached', 'resolutionPercent', 'suppressed'];

/** The report as CSV (RFC 4180): a row per group, then the total (its key columns read `total`). */
export function reportCsv(report: SlaReport): string {
  const row = (key: string[], f: ReportFigures) =>
    [...key, f.incidents, f.acknowledged, f.resolved, f.mttaSeconds, f.mttrSeconds, f.response.met, f.response.breached, f.response.percent, f.resolution.met, f.resolution.breached, f.resolution.percent, f.suppressed]
      .map(csvField)
      .join(',');
  const lines = [[...report.groupBy, ...CSV_FIGURES].join(',')];
  for (const g of report.groups) lines.push(row(report.groupBy.map((d) => g.key[d] ?? ''), g));
  lines.push(row(report.groupBy.length === 0 ? [] : report.groupBy.map((_, i) => (i === 0 ? 'total' : '')), report.total));
  return `${lines.join('\r\n')}\r\n`;
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : v;
  // A leading =, +, - or @ would be a formula in a spreadsheet: quoted and prefixed, it stays text.
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Everything the printable report shows, computed from the store as of `now`. */
export interface PrintableReport {
  report: SlaReport;
  /** The period before, of the same length (the month before, for whole months), and its total. */
  previous: { from: string; to: string; total: ReportFigures };
  /** The share within SLA the contract promises, in percent. */
  target: number;
  byModel: SlaReport['groups'];
  /** Incidents opened per local day of the period. */
  daily: { day: string; incidents: number }[];
  breaches: (ReportBreach & { lateSeconds: number })[];
  breachesShown: number;
  noisiest: ReportMetric[];
  /** Metrics with more than one incident in the period. */
  recurring: ReportMetric[];
  generatedAt: number;
}

const BREACHES_SHOWN = 100;
const NOISIEST_SHOWN = 10;

/**
 * The printable monthly report: the figures by health model x category x priority and in total,
 * the same by health model for the charts, incidents per day, the breaches (how late, told to
 * which line), the noisiest metrics, the recurring ones, and the change against the period before.
 */
export async function printableReport(readModel: IncidentReadModel, request: ReportRequest, now: number, target: number): Promise<PrintableReport> {
  const grouped = await reportWithTallies(readModel, { ...request, groupBy: request.groupBy?.length ? request.groupBy : ['healthModel', 'category', 'priority'] }, now);
  const report = grouped.report;
  const { fromMs, toMs, timezone } = reportPeriod(request);
  const selection = { fromMs, toMs, now, groupBy: [] as ReportDimension[], ...(request.customer === undefined ? {} : { customer: request.customer }) };
  const prev = previousPeriod(request.from, request.to, timezone);
  const previous = await slaReport(readModel, { ...request, ...prev, groupBy: [] }, now);
  // By health model: added up from the report's groups when they are finer, else a pass of its own.
  const byModel = report.groupBy.includes('healthModel') ? byHealthModel(grouped.tallies) : (await slaReport(readModel, { ...request, groupBy: ['healthModel'] }, now)).groups;
  const days: number[] = [];
  for (let d = DateTime.fromMillis(fromMs, { zone: timezone }); d.toMillis() < toMs; d = d.plus({ days: 1 })) days.push(d.toMillis());
  const counts = await readModel.reportCounts(selection, [...days, toMs]);
  const breaches = await readModel.reportBreaches(selection, BREACHES_SHOWN);
  const metrics = await readModel.reportMetrics(selection);
  return {
    report,
    previous: { ...prev, total: previous.total },
    target,
    byModel,
    daily: days.map((d, i) => ({ day: DateTime.fromMillis(d, { zone: timezone }).toISODate()!, incidents: counts[i] ?? 0 })),
    breaches: breaches.map((b) => ({ ...b, lateSeconds: Math.round(((b.metAt ?? now) - b.dueAt) / 1000) })),
    breachesShown: BREACHES_SHOWN,
    noisiest: [...metrics].sort((a, b) => b.alerts - a.alerts || b.incidents - a.incidents).slice(0, NOISIEST_SHOWN),
    recurring: metrics.filter((m) => m.incidents > 1),
    generatedAt: now,
  };
}

/** Groups' sums added up by health model, in the order of the health models (none first, as SQL sorts it). */
function byHealthModel(tallies: readonly ReportTally[]): SlaReport['groups'] {
  const models = new Map<string | null, ReportTally>();
  for (const t of tallies) {
    const model = t.key.healthModel ?? null;
    models.set(model, add(models.get(model) ?? emptyTally(), t));
  }
  return [...models]
    .sort(([a], [b]) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1))
    .map(([healthModel, t]) => ({ key: { healthModel }, ...figuresOf(t) }));
}

/** The period before [from, to): the months before when both are the first of a month, else as many days before. */
export function previousPeriod(from: string, to: string, timezone: string): { from: string; to: string } {
  const f = DateTime.fromISO(from, { zone: timezone });
  const t = DateTime.fromISO(to, { zone: timezone });
  if (f.day === 1 && t.day === 1) {
    const months = Math.round(t.diff(f, 'months').months);
    return { from: f.minus({ months }).toISODate()!, to: from };
  }
  const days = Math.round(t.diff(f, 'days').days);
  return { from: f.minus({ days }).toISODate()!, to: from };
}
