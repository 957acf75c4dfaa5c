import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app';
import { parseConfig } from '../../src/config/load-config';
import { createLogger } from '../../src/core/logger';
import { amBody } from '../helpers/engine';
import { FakeTelegram } from '../helpers/fake-telegram';
import { RULES_DIR } from '../helpers/fixtures';

const ENV = { TOKEN_ANNA: 'anna-token-0123456789' };

describe('the daemon polls Telegram by itself when its timers run', () => {
  let fake: FakeTelegram;
  let dir: string;
  beforeEach(async () => {
    fake = new FakeTelegram();
    dir = mkdtempSync(path.join(os.tmpdir(), 'incident-bridge-telegram-loop-'));
  });
  afterEach(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a press is read without a public URL, one poll at a time, and stop ends a waiting long poll at once', async () => {
    const apiUrl = await fake.start();
    const yaml = `
listen: 127.0.0.1:0
sources: [{name: alertmanager, type: alertmanager}]
people: [{name: anna, role: responder, token: "\${TOKEN_ANNA}", telegramUserId: 1001}]
store: {path: ${JSON.stringify(path.join(dir, 'incidents.db'))}}
rules: {dir: ${JSON.stringify(RULES_DIR)}}
notifications:
  channels:
    - {name: l1-telegram, type: telegram, botToken: "${fake.token}", chatId: -1001234567890, apiUrl: "${apiUrl}", buttons: {enabled: true, pollTimeout: 30s}}
`;
    const app = createApp({ config: parseConfig(path.join(dir, 'ib.yaml'), yaml, {}, ENV), timers: true, watchRules: false, logger: createLogger({ silent: true }) });
    const firstPoll = fake.waitFor('getUpdates');
    await app.start();
    try {
      await firstPoll;
      const sent = fake.waitFor('sendMessage');
      const body = amBody([{ labels: { alertname: 'HostHighCpuLoad', instance: 'db-1:9100' }, startsAt: '2026-05-04T09:59:00Z' }]);
      const res = await fetch(`${app.url()}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      await sent;
      const answered = fake.waitFor('answerCallbackQuery');
      fake.press({ userId: 1001, data: 'ib1:1:acknowledge', messageId: fake.messages[0]!.messageId });
      await answered;
      expect(fake.answers).toEqual([expect.objectContaining({ text: 'Acknowledged by anna' })]);
      // The loop polls again and Telegram holds that poll for 30 s.
      while (!fake.pollWaiting) await fake.waitFor('getUpdates');
    } finally {
      const stopping = Date.now();
      await app.stop();
      expect(Date.now() - stopping).toBeLessThan(5_000);
    }
    const offsets = fake.polls.map((p) => p.offset);
    expect(offsets[0]).toBeNull();
    expect(offsets.at(-1)).toBe(fake.updates[0]!.update_id + 1);
    // Never two polls at once: no poll ended in a conflict.
    expect(fake.polls.filter((p) => p.answered === 'conflict')).toEqual([]);
  });
});
