import { channelsFor, incidentRouter } from '../../../src/notify/notify-router';
import type { RoutingConfig } from '../../../src/notify/notify-router';
import type { NotifyRoute } from '../../../src/config/schema';
import { LINES as LINE_NAMES, NOTIFY_EVENTS } from '../../../src/core/vocabulary';

const shopP1 = { healthModel: 'online-shop', priority: 'P1' as const, category: 'software' as const };
const infraP4 = { healthModel: 'shop-infrastructure', priority: 'P4' as const, category: 'infrastructure' as const };
const route = (r: Partial<NotifyRoute> & { channels: string[] }): NotifyRoute => ({ continue: false, ...r });

describe('channelsFor', () => {
  test('with no routes every event goes to every channel', () => {
    expect(channelsFor('opened', shopP1, [], ['tg', 'mail'])).toEqual(['tg', 'mail']);
  });

  const routes = [
    route({ priorities: ['P1', 'P2'], channels: ['pager'], continue: true }),
    route({ healthModels: ['online-shop'], events: ['opened', 'resolved'], channels: ['shop-chat'] }),
    route({ categories: ['infrastructure'], channels: ['infra-chat', 'desk'] }),
    route({ channels: ['catch-all'] }),
  ];

  test.each([
    ['opened', shopP1, ['pager', 'shop-chat']],
    ['reopened', shopP1, ['pager', 'catch-all']],
    ['opened', infraP4, ['infra-chat', 'desk']],
    ['resolved', { ...infraP4, category: 'content' as const }, ['catch-all']],
  ] as const)('%s of %j -> %j', (event, incident, expected) => {
    expect(channelsFor(event, incident, routes, [])).toEqual(expected);
  });

  test('a channel named by two matching routes is notified once', () => {
    expect(channelsFor('opened', shopP1, [route({ channels: ['a'], continue: true }), route({ channels: ['a', 'b'] })], [])).toEqual(['a', 'b']);
  });
});

describe('incidentRouter', () => {
  const CHANNELS = ['l1-chat', 'l2-mail', 'l3-chat', 'pager', 'desk', 'spare', 'acme-news'];
  const LINES = { L1: { channels: ['l1-chat'] }, L2: { channels: ['l2-mail'] }, L3: { channels: ['l3-chat'] } };
  const CUSTOMERS = [{ name: 'acme', channels: ['acme-news'], events: ['opened', 'update', 'resolved'] }];
  const router = (config: Partial<RoutingConfig>) => incidentRouter({ routes: [], channels: CHANNELS, customers: CUSTOMERS, locale: 'en', ...config });
  const onL1 = { ...shopP1, line: 'L1' as const, customer: null };
  const onL2 = { ...infraP4, line: 'L2' as const, customer: null };
  const acmeOnL1 = { ...onL1, customer: 'acme' };
  const routes = [route({ priorities: ['P1'], channels: ['pager'], continue: true }), route({ events: ['opened'], channels: ['desk'] })];

  test('without lines, routes choose as before; with no routes every support channel hears, never a customer\'s', () => {
    expect(router({})('opened', onL2)).toEqual(['l1-chat', 'l2-mail', 'l3-chat', 'pager', 'desk', 'spare']);
    expect(router({ routes })('opened', onL1)).toEqual(['pager', 'desk']);
    expect(router({ routes })('opened', onL1, 'L3')).toEqual(['pager', 'desk']);
  });

  test.each([
    ['opened', 'a P1 on L1', onL1, undefined, ['l1-chat', 'pager', 'desk']],
    ['reopened', 'a P1 on L1', onL1, undefined, ['l1-chat', 'pager']],
    ['opened', 'a P4 on L2', onL2, undefined, ['l2-mail', 'desk']],
    ['reminder', 'a P4 on L2', onL2, undefined, ['l2-mail']],
    ['reminder', 'a P1 on L1', onL1, 'L3', ['l3-chat', 'pager']],
  ] as const)('with lines and routes, %s of %s, concerning %s -> %j', (event, _what, incident, line, expected) => {
    expect(router({ lines: LINES, routes })(event, incident, line)).toEqual(expected);
  });

  test('with lines and no routes, only the line concerned hears', () => {
    const route = router({ lines: LINES });
    expect(route('opened', onL1)).toEqual(['l1-chat']);
    expect(route('sla_breached', onL2)).toEqual(['l2-mail']);
    expect(route('reminder', onL1, 'L3')).toEqual(['l3-chat']);
  });

  test('a channel that no line or route names hears nothing, and a line left out hears only what routes add', () => {
    const route = router({ lines: { L1: { channels: ['l1-chat'] } }, routes });
    const heard = new Set(NOTIFY_EVENTS.flatMap((event) => [onL1, onL2, acmeOnL1].flatMap((incident) => LINE_NAMES.flatMap((line) => route(event, incident, line)))));
    expect([...heard].sort()).toEqual(['acme-news', 'desk', 'l1-chat', 'pager']);
    expect(route('escalated', onL2)).toEqual([]);
    expect(route('escalated', { ...onL2, priority: 'P1' })).toEqual(['pager']);
  });

  test('escalated goes to the new line when the line is passed, and to the incident\'s line otherwise', () => {
    const route = router({ lines: LINES });
    expect(route('escalated', onL1, 'L2')).toEqual(['l2-mail']);
    expect(route('escalated', { ...onL1, line: 'L2' })).toEqual(['l2-mail']);
    expect(route('escalated', onL1)).toEqual(['l1-chat']);
  });

  test('a channel named by the line and a route is notified once', () => {
    expect(router({ lines: LINES, routes: [route({ channels: ['pager', 'l1-chat'] })] })('opened', onL1)).toEqual(['l1-chat', 'pager']);
  });

  test.each([
    ['without lines', {}],
    ['with lines', { lines: LINES }],
    ['with lines and routes', { lines: LINES, routes }],
  ] as const)('customers hear their events and only them, %s', (_what, config) => {
    const route = router(config);
    expect(route('opened', acmeOnL1)).toEqual([...route('opened', onL1), 'acme-news']);
    expect(route('update', acmeOnL1)).toEqual(['acme-news']);
    expect(route('update', onL1)).toEqual([]);
    expect(route('escalated', acmeOnL1, 'L2')).not.toContain('acme-news');
    expect(route('resolved', acmeOnL1, 'L3')).toContain('acme-news');
  });

  test("a customer's channel is never a support channel, even when a line names it", () => {
    expect(router({ lines: { L1: { channels: ['acme-news', 'l1-chat'] } } })('opened', onL1)).toEqual(['l1-chat']);
  });
});
