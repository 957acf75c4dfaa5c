import type { SlaTerms } from '../../../src/core/sla-terms';
import { buildMessageContent, renderPlainText } from '../../../src/notify/message-content';
import { formatDuration } from '../../../src/notify/sla-lines';
import { localeTexts } from '../../../src/notify/message-content';
import { sampleIncident } from '../../helpers/notifications';

const M = 60_000;
const T0 = Date.parse('2026-12-01T09:00:00Z');
const TERMS: SlaTerms = {
  policy: 'standard',
  targets: {
    P1: { responseMs: 15 * M, resolutionMs: 240 * M, calendar: '24x7' },
    P2: { responseMs: 30 * M, resolutionMs: 480 * M, calendar: '24x7' },
    P3: { responseMs: 240 * M, resolutionMs: 4320 * M, calendar: '24x7' },
    P4: { responseMs: 1440 * M, resolutionMs: 14400 * M, calendar: '24x7' },
  },
  calendars: [],
  escalation: null,
};
const index = { policy: 'standard', responseDueAt: T0 + 15 * M, respondedAt: null, responseBreached: false, resolutionDueAt: T0 + 240 * M, resolutionBreached: false, paused: false, pausedSeconds: 0, pausedSince: null };
const incident = sampleIncident({ openedAt: T0, priority: 'P1', slaTerms: TERMS, sla: index });
const text = (input: Partial<Parameters<typeof buildMessageContent>[0]>) =>
  renderPlainText(buildMessageContent({ event: 'opened', incident, alerts: [], alertTotal: 0, locale: 'en', publicUrl: null, ...input }));

describe('messages say what the clock says', () => {
  test('due times with the time left, as of the moment the message is written', () => {
    const body = text({ now: T0 + 3 * M });
    expect(body).toContain('Response due: 2026-12-01 09:15 UTC (12 min left)');
    expect(body).toContain('Resolution due: 2026-12-01 13:00 UTC (3 h 57 min left)');
  });

  test('an overdue clock says by how much; a met response is not shown; a resolved incident shows no clock', () => {
    expect(text({ now: T0 + 20 * M })).toContain('Response due: 2026-12-01 09:15 UTC (overdue by 5 min)');
    const acked = { ...incident, status: 'acknowledged' as const, sla: { ...index, respondedAt: T0 + 5 * M } };
    expect(text({ incident: acked, now: T0 + 20 * M })).not.toContain('Response due');
    expect(text({ incident: { ...incident, status: 'resolved', resolvedAt: T0 + M }, now: T0 + 20 * M })).not.toContain('due:');
  });

  test('a paused incident shows its due times moving later, marked paused', () => {
    const paused = { ...incident, sla: { ...index, paused: true, pausedSince: T0 + 5 * M } };
    // Paused at 09:05 with 10 minutes of the response left; at 09:35 it is due at 09:45.
    expect(text({ incident: paused, now: T0 + 35 * M })).toContain('Response due: 2026-12-01 09:45 UTC (10 min left, paused)');
  });

  test('a reminder, an escalation and a breach say which step fired and why, and how late after downtime', () => {
    const step = (clock: string, action: string, at: string, lateSeconds = 0) => ({ step: 'x', clock, action, at, dueAt: T0, lateSeconds });
    expect(buildMessageContent({ event: 'reminder', incident, alerts: [], alertTotal: 0, locale: 'en', publicUrl: null, sla: step('response', 'remind', '50%') }).reason).toBe(
      'not acknowledged 7 min 30 s after opening; SLA response 15 min, P1 critical',
    );
    expect(buildMessageContent({ event: 'escalated', incident, alerts: [], alertTotal: 0, locale: 'en', publicUrl: null, sla: step('resolution', 'escalate', '80%') }).reason).toBe(
      'not resolved 3 h 12 min after opening; SLA resolution 4 h, P1 critical',
    );
    expect(buildMessageContent({ event: 'sla_breached', incident, alerts: [], alertTotal: 0, locale: 'en', publicUrl: null, sla: step('response', 'breach', '100%', 7200) }).reason).toBe(
      'SLA response 15 min passed unmet, P1 critical (sent 2 h late)',
    );
    expect(buildMessageContent({ event: 'reminder', incident, alerts: [], alertTotal: 0, locale: 'ru', publicUrl: null, sla: step('acknowledged', 'remind', '30m') }).reason).toBe(
      'принят в работу, но без действий 30m',
    );
    expect(text({ event: 'reminder', sla: step('response', 'remind', '15m'), now: T0 })).toMatch(/^Reminder: incident waiting: .*\nnot acknowledged 15m after opening; SLA response 15 min, P1 critical\n/);
    expect(buildMessageContent({ event: 'opened', incident, alerts: [], alertTotal: 0, locale: 'en', publicUrl: null }).reason).toBeNull();
  });

  test('durations to the minute, seconds under an hour', () => {
    const en = localeTexts('en');
    expect([30_000, 7.5 * M, 60 * M, 1500 * M, 61.5 * M].map((ms) => formatDuration(ms, en))).toEqual(['30 s', '7 min 30 s', '1 h', '1 d 1 h', '1 h 2 min']);
  });
});
