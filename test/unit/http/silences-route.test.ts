import express from 'express';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../src/core/logger';
import { errorHandler } from '../../../src/http/error-handler';
import { silencesRoute } from '../../../src/http/silences-route';
import { openStore } from '../../../src/store/open-store';
import type { Store } from '../../../src/store/store';
import { callApi } from '../../helpers/api-client';
import { FakeClock } from '../../helpers/fake-clock';

const body = { matchers: ['alertname="DiskFull"'], endsAt: '2026-05-04T12:00:00Z', comment: 'disk swap' };

describe('the silence routes call onSilencesChanged once a change is committed', () => {
  let store: Store;
  let server: Server;
  let url: string;
  let clock: FakeClock;
  /** What the store held each time the hook ran. */
  let calls: string[][];
  let hook: () => void;

  beforeEach(async () => {
    clock = new FakeClock('2026-05-04T10:00:00Z');
    store = await openStore({ type: 'sqlite', path: ':memory:' });
    calls = [];
    hook = () => {
      // A read started by the hook must already see the change: it is committed before the call.
      void store.silences.inForce(clock.now().getTime()).then((s) => calls.push(s.map((x) => x.id)));
    };
    const app = express();
    app.use(silencesRoute({ silences: store.silences, clock, logger: createLogger({ silent: true }), keepExpiredSilencesMs: 3_600_000, onSilencesChanged: () => hook(), maintenance: () => [] }));
    app.use(errorHandler(createLogger({ silent: true })));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
  });

  test('after a create and after a delete that ends a silence; not for a refusal, an unknown id or one already over', async () => {
    const created = await callApi(url, 'POST', '/api/v1/silences', { body });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(calls).toEqual([[id]]);
    expect((await callApi(url, 'POST', '/api/v1/silences', { body: { ...body, comment: '' } })).status).toBe(400);
    expect((await callApi(url, 'DELETE', '/api/v1/silences/nope')).status).toBe(404);
    expect(calls).toHaveLength(1);
    clock.advance({ minutes: 5 });
    expect((await callApi(url, 'DELETE', `/api/v1/silences/${id}`)).status).toBe(200);
    expect(calls).toEqual([[id], []]);
    clock.advance({ minutes: 5 });
    expect((await callApi(url, 'DELETE', `/api/v1/silences/${id}`)).json).toMatchObject({ status: 'expired', expiredAt: '2026-05-04T10:05:00.000Z' });
    expect(calls).toHaveLength(2);
  });

  test('a hook that throws does not undo or hide the committed change', async () => {
    hook = () => {
      throw new Error('boom');
    };
    const created = await callApi(url, 'POST', '/api/v1/silences', { body });
    expect(created.status).toBe(201);
    expect((await store.silences.get(created.json.id as string))?.comment).toBe('disk swap');
    expect((await callApi(url, 'DELETE', `/api/v1/silences/${created.json.id as string}`)).status).toBe(200);
  });
});
