import type { SlaTerms } from '../../../src/core/sla-terms';
import type { Suppression } from '../../../src/core/vocabulary';
import { createPipeline } from '../../../src/incidents/pipeline';
import { compileInhibit } from '../../../src/incidents/quiet-policy';
import { ReportRequestError, previousPeriod, printableReport, reportCsv, slaReport } from '../../../src/incidents/sla-report';
import { reportHtml } from '../../../src/cli/report-document';
import { amBody } from '../../helpers/engine';
import { FakeClock } from '../../helpers/fake-clock';
import { exampleRuleSet } from '../../helpers/rules';

const M = 60_000;
// Every priority: response 15 min, resolution 4 h, day and night.
const target = { responseMs: 15 * M, resolutionMs: 240 * M, calendar: '24x7' };
const TERMS: SlaTerms = { policy: 'standard', targets: { P1: target, P2: target, P3: target, P4: target }, calendars: [], escalation: null };
const anna = { type: 'person', name: 'anna' } as const;

/**
 * A prepared month on a fake clock. Host incidents (HostDown, one per host) and one search
 * incident (SearchLatencyHigh), times UTC:
 *   X1 opened Oct 31 23:30 (Nov 1 00:30 in Amsterdam), acknowledged 23:40, resolved Nov 1 01:30: both met
 *   X2 opened Nov 2 10:00, acknowledged 10:20 (late), resolved 15:00 (late): both breached
 *   X3 opened Nov 2 10:00, paused 10:10-11:10, acknowledged 11:14 (14 working min: met), open: resolution due 15:00, breached
 *   X4 opened Nov 2 10:00 under maintenance, still covered: suppressed, in no SLA figure
 *   X5 opened Nov 2 12:00, resolved with its alert at 12:01 (no hold-down): no response, resolution met
 *   Y1 opened Nov 3 09:00, nobody acted: both breached
 *   X6 opened Nov 30 23:30 (Dec 1 00:30 in Amsterdam), acknowledged 23:35: response met, resolution not yet due
 * The report is read on Dec 1 01:00 UTC.
 */
async function preparedMonth() {
  const clock = new FakeClock('2026-10-31T23:30:00Z');
  const covered = new Map<string, Suppression>();
  const quiet = {
    coverFor: (labels: Readonly<Record<string, string>>) => covered.get(labels.instance ?? '') ?? null,
    nextEdge: () => null,
    inhibit: compileInhibit([]),
  };
  const pipeline = createPipeline({ ruleSet: exampleRuleSet(), clock, policy: { reopenWindowMs: 0, slaTermsFor: () => TERMS }, quiet: { policy: quiet, heartbeats: [] } });
  const at = (iso: string) => clock.set(iso);
  const iso = () => clock.now().toISOString();
  const fire = async (alertname: string, instance: string) =>
    (await pipeline.push(amBody([{ labels: { alertname, instance }, startsAt: iso() }]), { name: 'alertmanager', type: 'alertmanager' })).incidents[0]!;
  const act = async (id: number, command: Parameters<typeof pipeline.act>[1]) => {
    const result = await pipeline.act(id, command);
    expect(result).toMatchObject({ changed: true });
  };
  const tick = async () => {
    await pipeline.worker.runOnce();
    await pipeline.sla.runOnce();
  };

  const x1 = await fire('HostDown', 'host-1:9100');
  at('2026-10-31T23:40:00Z');
  await act(x1, { type: 'acknowledge', actor: anna });
  at('2026-11-01T01:30:00Z');
  await act(x1, { type: 'resolve', actor: anna, note: 'rebooted' });

  at('2026-11-02T10:00:00Z');
  const x2 = await fire('HostDown', 'host-2:9100');
  const x3 = await fire('HostDown', 'host-3:9100');
  covered.set('host-4:9100', { by: 'maintenance', name: 'patching' });
  const x4 = await fire('HostDown', 'host-4:9100');
  at('2026-11-02T10:10:00Z');
  await act(x3, { type: 'pause', actor: anna, reason: 'waiting for the data centre' });
  at('2026-11-02T10:15:00Z');
  await tick();
  at('2026-11-02T10:20:00Z');
  await act(x2, { type: 'acknowledge', actor: anna });
  at('2026-11-02T11:10:00Z');
  await act(x3, { type: 'resume', actor: anna });
  at('2026-11-02T11:14:00Z');
  await act(x3, { type: 'acknowledge', actor: anna });

  at('2026-11-02T12:00:00Z');
  const x5 = await fire('HostDown', 'host-5:9100');
  at('2026-11-02T12:01:00Z');
  await pipeline.push(amBody([{ labels: { alertname: 'HostDown', instance: 'host-5:9100' }, startsAt: '2026-11-02T12:00:00Z', status: 'resolved', endsAt: iso() }]), { name: 'alertmanager', type: 'alertmanager' });
  at('2026-11-02T12:30:00Z');
  await tick();
  at('2026-11-02T15:00:00Z');
  await act(x2, { type: 'resolve', actor: anna, note: 'disk replaced' });
  await tick();

  at('2026-11-03T09:00:00Z');
  const y1 = await fire('SearchLatencyHigh', 'search-1');
  at('2026-11-30T23:30:00Z');
  const x6 = await fire('HostDown', 'host-6:9100');
  at('2026-11-30T23:35:00Z');
  await act(x6, { type: 'acknowledge', actor: anna });
  at('2026-12-01T01:00:00Z');
  await tick();

  const incident = async (id: number) => (await pipeline.readModel.getIncident(id))!.incident;
  return { pipeline, clock, ids: { x1, x2, x3, x4, x5, x6, y1 }, incident };
}

describe('the SLA report, computed from a prepared month', () => {
  let month: Awaited<ReturnType<typeof preparedMonth>>;
  beforeAll(async () => {
    month = await preparedMonth();
  });
  afterAll(() => month.pipeline.close());
  const report = (request: Parameters<typeof slaReport>[1]) => slaReport(month.pipeline.readModel, request, month.clock.now().getTime());

  test('the month was prepared as written: distinct incidents, and the one resolved by its alert resolved at 12:01', async () => {
    const { ids, incident } = month;
    expect(new Set(Object.values(ids)).size).toBe(7);
    expect(await incident(ids.x5)).toMatchObject({ status: 'resolved', resolvedAt: Date.parse('2026-11-02T12:01:00Z') });
    expect(await incident(ids.x4)).toMatchObject({ suppressed: { by: 'maintenance' } });
    const host = await incident(ids.x1);
    const search = await incident(ids.y1);
    expect(host.healthModel).not.toBe(search.healthModel);
  });

  test('November in Europe/Amsterdam: X1 counts (Nov 1 00:30 local), X6 does not (Dec 1 00:30 local)', async () => {
    const host = (await month.incident(month.ids.x1)).healthModel;
    const search = (await month.incident(month.ids.y1)).healthModel;
    const r = await report({ from: '2026-11-01', to: '2026-12-01', timezone: 'Europe/Amsterdam', groupBy: ['healthModel'] });
    const group = (healthModel: string) => r.groups.find((g) => g.key.healthModel === healthModel);
    // Hosts: X1 X2 X3 X4 X5. Responses X1 600 s, X2 1200 s, X3 4440 s; resolved X1 7200 s, X2 18000 s, X5 60 s.
    expect(group(host)).toEqual({
      key: { healthModel: host },
      incidents: 5,
      acknowledged: 3,
      resolved: 3,
      mttaSeconds: (600 + 1200 + 4440) / 3,
      mttrSeconds: (7200 + 18000 + 60) / 3,
      response: { met: 2, breached: 1, percent: (2 / 3) * 100 },
      resolution: { met: 2, breached: 2, percent: 50 },
      suppressed: 1,
    });
    expect(group(search)).toEqual({
      key: { healthModel: search },
      incidents: 1,
      acknowledged: 0,
      resolved: 0,
      mttaSeconds: null,
      mttrSeconds: null,
      response: { met: 0, breached: 1, percent: 0 },
      resolution: { met: 0, breached: 1, percent: 0 },
      suppressed: 0,
    });
    expect(r.total).toEqual({
      incidents: 6,
      acknowledged: 3,
      resolved: 3,
      mttaSeconds: 6240 / 3,
      mttrSeconds: 25260 / 3,
      response: { met: 2, breached: 2, percent: 50 },
      resolution: { met: 2, breached: 3, percent: 40 },
      suppressed: 1,
    });
    expect(r).toMatchObject({ from: '2026-11-01', to: '2026-12-01', timezone: 'Europe/Amsterdam', groupBy: ['healthModel'], customer: null });
  });

  test('November in UTC: X6 counts, X1 does not', async () => {
    const r = await report({ from: '2026-11-01', to: '2026-12-01' });
    expect(r.groups).toEqual([]);
    // X2 X3 X4 X5 X6 Y1. Responses X2 1200 s, X3 4440 s, X6 300 s; resolved X2 18000 s, X5 60 s.
    expect(r.total).toEqual({
      incidents: 6,
      acknowledged: 3,
      resolved: 2,
      mttaSeconds: 5940 / 3,
      mttrSeconds: 18060 / 2,
      response: { met: 2, breached: 2, percent: 50 },
      resolution: { met: 1, breached: 3, percent: 25 },
      suppressed: 1,
    });
  });

  test('grouping by priority and impact, and a period with nothing in it', async () => {
    const r = await report({ from: '2026-11-02', to: '2026-11-03', groupBy: ['priority', 'impact'] });
    expect(r.total.incidents).toBe(4);
    expect(r.groups.reduce((n, g) => n + g.incidents, 0)).toBe(4);
    for (const g of r.groups) expect(Object.keys(g.key)).toEqual(['priority', 'impact']);
    const empty = await report({ from: '2027-01-01', to: '2027-02-01', groupBy: ['healthModel'] });
    expect(empty.groups).toEqual([]);
    expect(empty.total).toEqual({ incidents: 0, acknowledged: 0, resolved: 0, mttaSeconds: null, mttrSeconds: null, response: { met: 0, breached: 0, percent: null }, resolution: { met: 0, breached: 0, percent: null }, suppressed: 0 });
  });

  test('CSV: a row per group and the total, numbers to three decimals', async () => {
    const r = await report({ from: '2026-11-01', to: '2026-12-01', timezone: 'Europe/Amsterdam', groupBy: ['healthModel'] });
    const lines = reportCsv(r).split('\r\n');
    expect(lines[0]).toBe('healthModel,incidents,acknowledged,resolved,mttaSeconds,mttrSeconds,responseMet,responseBreached,responsePercent,resolutionMet,resolutionBreached,resolutionPercent,suppressed');
    expect(lines).toContain('total,6,3,3,2080,8420,2,2,50,2,3,40,1');
    expect(lines).toHaveLength(r.groups.length + 3);
    expect(lines[lines.length - 1]).toBe('');
  });

  test('bad requests say which field is wrong', async () => {
    const bad = async (request: Parameters<typeof slaReport>[1]) => {
      const error = await report(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReportRequestError);
      return { field: (error as ReportRequestError).field, message: (error as Error).message };
    };
    expect(await bad({ from: '2026-11', to: '2026-12-01' })).toEqual({ field: 'from', message: 'from must be a date YYYY-MM-DD, got "2026-11"' });
    expect(await bad({ from: '2026-11-01', to: '2026-02-30' })).toMatchObject({ field: 'to' });
    expect(await bad({ from: '2026-11-01', to: '2026-11-01' })).toEqual({ field: 'to', message: 'to (2026-11-01) must be after from (2026-11-01)' });
    expect(await bad({ from: '2026-11-01', to: '2026-12-01', timezone: 'Mars/Olympus' })).toEqual({ field: 'timezone', message: 'unknown time zone "Mars/Olympus"' });
  });

  test('the printable report: breaches with how late and at which line, noisy and recurring metrics, days, the month before', async () => {
    const { ids } = month;
    const p = await printableReport(month.pipeline.readModel, { from: '2026-11-01', to: '2026-12-01', timezone: 'Europe/Amsterdam' }, month.clock.now().getTime(), 95);
    expect(p.breaches.map((b) => [b.incidentId, b.clock, b.lateSeconds, b.line, b.metAt === null])).toEqual([
      [ids.y1, 'resolution', 27 * 86400 + 12 * 3600, 'L1', true],
      [ids.y1, 'response', 27 * 86400 + 15 * 3600 + 45 * 60, 'L1', true],
      [ids.x3, 'resolution', 28 * 86400 + 10 * 3600, 'L1', true],
      [ids.x2, 'resolution', 3600, 'L1', false],
      [ids.x2, 'response', 300, 'L1', false],
    ]);
    expect(p.report.groupBy).toEqual(['healthModel', 'category', 'priority']);
    expect(p.report.total.incidents).toBe(6);
    expect(p.previous).toMatchObject({ from: '2026-10-01', to: '2026-11-01', total: { incidents: 0 } });
    expect(p.daily).toHaveLength(30);
    expect(p.daily.slice(0, 4)).toEqual([
      { day: '2026-11-01', incidents: 1 },
      { day: '2026-11-02', incidents: 4 },
      { day: '2026-11-03', incidents: 1 },
      { day: '2026-11-04', incidents: 0 },
    ]);
    expect(p.daily.reduce((n, d) => n + d.incidents, 0)).toBe(6);
    expect(p.noisiest.map((m) => [m.metric, m.incidents, m.alerts])).toEqual([
      ['host-down', 5, 5],
      [(await month.incident(ids.y1)).metric, 1, 1],
    ]);
    expect(p.recurring.map((m) => [m.metric, m.incidents])).toEqual([['host-down', 5]]);
    const html = reportHtml(p, { customer: 'ACME Retail' });
    expect(html).toContain('Service level report: ACME Retail');
    expect(html).toContain('<b>2026-11-01</b> to <b>2026-12-01</b> (Europe/Amsterdam, end excluded)');
    expect(html).toContain('>50%<'); // response within SLA in total
    expect(html).toContain('>40%<'); // resolution within SLA in total
    expect(html).toContain(`#${ids.x2} `);
    expect(html).toContain('target 95%');
    expect(html).not.toMatch(/<script/i);
  });

  test('the period before: whole months go back by months, other periods by as many days', () => {
    expect(previousPeriod('2026-03-01', '2026-04-01', 'Europe/Amsterdam')).toEqual({ from: '2026-02-01', to: '2026-03-01' });
    expect(previousPeriod('2026-01-01', '2026-04-01', 'UTC')).toEqual({ from: '2025-10-01', to: '2026-01-01' });
    expect(previousPeriod('2026-03-10', '2026-03-17', 'UTC')).toEqual({ from: '2026-03-03', to: '2026-03-10' });
  });
});
