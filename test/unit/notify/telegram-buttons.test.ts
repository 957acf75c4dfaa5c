import { announcementHtml, callbackData, keyboardFor, MAX_CALLBACK_DATA_BYTES, parseCallbackData, statusLines } from '../../../src/notify/telegram-buttons';
import type { IncidentDetail } from '../../../src/store/store';
import { buttonData, telegramHtmlError } from '../../helpers/fake-telegram';
import { sampleAlerts, sampleIncident } from '../../helpers/notifications';

const AT = Date.parse('2025-03-18T09:05:00Z');
type Entry = IncidentDetail['timeline'][number];
const entry = (id: number, event: Entry['event'], name: string, detail: Record<string, unknown> = {}): Entry => ({ id, at: AT, event, actor: { type: name === 'am' ? 'source' : 'person', name }, detail });

describe('callback data', () => {
  test('round trips, and stays far below the 64 bytes Telegram allows', () => {
    for (const action of ['acknowledge', 'escalate', 'resolve'] as const) {
      const data = callbackData(999_999_999_999_999, action);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(MAX_CALLBACK_DATA_BYTES / 2);
      expect(parseCallbackData(data)).toEqual({ incidentId: 999_999_999_999_999, action });
    }
  });

  test.each([
    ['an unknown action', 'ib1:7:snooze'],
    ['a person command that is not a button', 'ib1:7:reopen'],
    ['another version', 'ib2:7:acknowledge'],
    ['a leading zero', 'ib1:07:acknowledge'],
    ['a zero id', 'ib1:0:acknowledge'],
    ['a negative id', 'ib1:-7:acknowledge'],
    ['an id beyond a safe integer', `ib1:${'9'.repeat(16)}:acknowledge`],
    ['a trailing field', 'ib1:7:acknowledge:x'],
    ['whitespace', ' ib1:7:acknowledge'],
    ['upper case', 'IB1:7:ACKNOWLEDGE'],
    ['empty', ''],
    ['not a string', 7],
    ['missing', undefined],
  ])('%s is malformed', (_what, data) => {
    expect(parseCallbackData(data)).toBeNull();
  });
});

describe('the buttons of an incident', () => {
  test.each<[string, Parameters<typeof sampleIncident>[0], string[]]>([
    ['open on L1', {}, ['ib1:42:acknowledge', 'ib1:42:escalate', 'ib1:42:resolve']],
    ['acknowledged', { status: 'acknowledged' }, ['ib1:42:escalate', 'ib1:42:resolve']],
    ['open on L3', { line: 'L3' }, ['ib1:42:acknowledge', 'ib1:42:resolve']],
    ['acknowledged on L3', { status: 'acknowledged', line: 'L3' }, ['ib1:42:resolve']],
  ])('%s', (_what, patch, expected) => {
    expect(buttonData(keyboardFor(sampleIncident(patch), 'en') as unknown as Record<string, unknown>)).toEqual(expected);
  });

  test('a resolved incident has none; labels follow the locale', () => {
    expect(keyboardFor(sampleIncident({ status: 'resolved' }), 'en')).toBeNull();
    expect(keyboardFor(sampleIncident(), 'ru')?.inline_keyboard[0]?.map((b) => b.text)).toEqual(['Принять', 'Эскалировать', 'Решить']);
  });
});

describe('status lines', () => {
  test('who acknowledged, and who escalated to the line the incident is on, since it last opened', () => {
    const timeline = [
      entry(1, 'opened', 'am'),
      entry(2, 'escalated', 'vera', { from: 'L1', to: 'L2' }),
      entry(3, 'reopened', 'am'),
      entry(4, 'escalated', 'boris', { from: 'L1', to: 'L2' }),
      entry(5, 'acknowledged', 'anna'),
    ];
    expect(statusLines({ incident: sampleIncident({ status: 'acknowledged', acknowledgedBy: 'anna', line: 'L2' }), timeline }, 'en')).toEqual(['Acknowledged by anna', 'Escalated to L2 by boris']);
    expect(statusLines({ incident: sampleIncident({ line: 'L2' }), timeline: timeline.slice(0, 3) }, 'ru')).toEqual([]);
    expect(statusLines({ incident: sampleIncident(), timeline: [entry(1, 'opened', 'am')] }, 'en')).toEqual([]);
  });

  test('the edited message is valid HTML of at most 4096 characters, status first', () => {
    const incident = sampleIncident({ status: 'acknowledged', acknowledgedBy: 'anna', title: `<Payments> & ${'€'.repeat(5000)}`, alertCount: 200 });
    const html = announcementHtml({ incident, timeline: [entry(1, 'opened', 'am')], alerts: sampleAlerts(200) }, { locale: 'en', publicUrl: null, lastResolution: null, maxChars: 4096 });
    expect(html.startsWith('<b>Acknowledged by anna</b>\n\n<b>Incident opened: &lt;Payments&gt; &amp; ')).toBe(true);
    expect(html.length).toBeLessThanOrEqual(4096);
    expect(telegramHtmlError(html)).toBeNull();
    const reopened = announcementHtml({ incident: sampleIncident({ reopenCount: 1 }), timeline: [], alerts: [] }, { locale: 'en', publicUrl: null, lastResolution: null, maxChars: 4096 });
    expect(reopened.startsWith('<b>Incident reopened: Payments fail at checkout</b>')).toBe(true);
  });
});
