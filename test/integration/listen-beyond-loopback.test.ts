import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app';
import { runCheck } from '../../src/cli/check';
import { runServe } from '../../src/cli/serve';
import { parseConfig } from '../../src/config/load-config';
import { FileProblemsError } from '../../src/core/errors';
import { createLogger } from '../../src/core/logger';
import { callApi } from '../helpers/api-client';
import { RULES_DIR } from '../helpers/fixtures';

const TOKEN = 'adam-token-6b1f0c9e2d';
const REFUSAL = /listen: no people are configured, so the API would be open to anyone who reaches 0\.0\.0\.0:0; configure people with tokens, or listen on loopback \(127\.0\.0\.1\)/;

describe('listening beyond loopback', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'incident-bridge-listen-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const configText = (people: boolean) =>
    [
      'listen: 0.0.0.0:0',
      'sources:',
      '  - {name: alertmanager, type: alertmanager, allowUnauthenticated: true}',
      `store: { path: ${JSON.stringify(path.join(dir, 'incidents.db'))} }`,
      `rules: { dir: ${JSON.stringify(RULES_DIR)} }`,
      ...(people ? ['people:', '  - {name: adam, role: admin, token: "${TOKEN_ADAM}"}'] : []),
      '',
    ].join('\n');
  const appFor = (people: boolean) => createApp({ config: parseConfig(path.join(dir, 'ib.yaml'), configText(people), {}, { TOKEN_ADAM: TOKEN }), timers: false, logger: createLogger({ silent: true }) });

  test('without people the daemon refuses to start, before it binds the port', async () => {
    const app = appFor(false);
    const started = app.start();
    await expect(started).rejects.toThrow(FileProblemsError);
    await expect(started).rejects.toThrow(REFUSAL);
    expect(() => app.address()).toThrow('not listening');
  });

  test('with people it starts on 0.0.0.0, and the API needs a token', async () => {
    const app = appFor(true);
    await app.start();
    try {
      const { host, port } = app.address();
      expect(host).toBe('0.0.0.0');
      const url = `http://127.0.0.1:${port}`;
      expect((await callApi(url, 'GET', '/api/v1/incidents')).status).toBe(401);
      expect((await callApi(url, 'GET', '/api/v1/incidents', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
      expect((await callApi(url, 'GET', '/-/ready')).status).toBe(200);
    } finally {
      await app.stop();
    }
  });

  test('`serve --listen 0.0.0.0:0` refuses with the problem at its line, and `check` reports it', async () => {
    const file = path.join(dir, 'ib.yaml');
    writeFileSync(file, configText(false).replace('listen: 0.0.0.0:0\n', ''));
    await expect(runServe(['--config', file, '--listen', '0.0.0.0:0'])).rejects.toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:1:1: error: ${REFUSAL.source}$`));
    writeFileSync(file, configText(false));
    let printed = '';
    const out = { write: (s: string) => (printed += s) } as unknown as NodeJS.WritableStream;
    expect(runCheck(['--config', file], out)).toBe(1);
    expect(printed).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:1:9: error: ${REFUSAL.source}$`, 'm'));
  });
});
