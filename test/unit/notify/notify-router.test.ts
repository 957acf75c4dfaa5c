import { channelsFor } from '../../../src/notify/notify-router';
import type { NotifyRoute } from '../../../src/config/schema';

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
