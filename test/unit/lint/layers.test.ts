import path from 'node:path';
import { ESLint, Linter } from 'eslint';
import type { Rule } from 'eslint';
import tseslint from 'typescript-eslint';

const REPO_DIR = path.resolve(__dirname, '../../..');
// The rule and the project config are plain CommonJS modules without type declarations.
const { rule } = jest.requireActual<{ rule: Rule.RuleModule }>('../../../eslint-rules/layers');
const projectConfig = jest.requireActual<Linter.Config[]>('../../../eslint.config.js');

const config: Linter.Config[] = [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser as Linter.Parser },
    plugins: { local: { rules: { layers: rule } } },
    rules: { 'local/layers': 'error' },
  },
];

/** The layer rule's messages for `code` as if it were the file at `file` (relative to the repo). */
function layerErrors(file: string, code: string): string[] {
  const linter = new Linter({ cwd: REPO_DIR });
  const messages = linter.verify(code, config, { filename: path.join(REPO_DIR, file) });
  const fatal = messages.find((m) => m.fatal);
  if (fatal) throw new Error(fatal.message);
  return messages.map((m) => m.message);
}

describe('the layer rule', () => {
  test.each([
    ['src/config/schema.ts', "import { channelConfigSchema } from '../notify/channels';", 'src/config may not import src/notify (higher layer)'],
    ['src/config/schema.ts', "import type { NotifyEvent } from '../notify/channel';", 'src/config may not import src/notify (higher layer)'],
    ['src/sources/grafana.ts', "import { isMonitoringGap } from '../health-model/classify';", 'src/sources may not import src/health-model (higher layer)'],
    ['src/incidents/ingest.ts', "export type { Channel } from '../notify/channel';", 'src/incidents may not import src/notify (higher layer)'],
    ['src/health-model/classify.ts', "export async function load() { return import('../incidents/ingest'); }", 'src/health-model may not import src/incidents (higher layer)'],
    ['src/store/store.ts', "export type Event = import('../notify/channel').Notification;", 'src/store may not import src/notify (higher layer)'],
    ['src/notify/channels/webhook.ts', "import { createServer } from '../../http/server';", 'src/notify may not import src/http (higher layer)'],
    ['src/http/server.ts', "import { createApp } from '../app';", 'src/http may not import src/app.ts (higher layer)'],
    ['src/store/store.ts', "import type { NormalizedAlert } from '../sources/source';", 'src/store may not import src/sources (src/store may import only src/core, src/config)'],
    ['src/reports/sla-report.ts', "import { Clock } from '../core/clock';", 'src/reports is not in the layer table of eslint-rules/layers.js; add it there'],
    ['src/health-model/classify.ts', "import { coveringWindow } from '../quiet/maintenance';", 'src/health-model may not import src/quiet (higher layer)'],
    ['src/quiet/maintenance.ts', "import type { IncidentStore } from '../store/store';", 'src/quiet may not import src/store (higher layer)'],
    ['src/sla/calendar.ts', "import { inForce } from '../quiet/maintenance';", 'src/sla may not import src/quiet (src/sla may import only src/core, src/config)'],
  ])('%s: %s', (file, code, message) => {
    expect(layerErrors(file, code)).toEqual([message]);
  });

  test.each([
    ['src/config/load-config.ts', "import { z } from 'zod';\nimport { AppError } from '../core/errors';\nimport { SOURCE_TYPES } from '../sources/source-types';\nimport { configSchema } from './schema';"],
    ['src/sources/grafana.ts', "import { MONITORING_GAP_LABEL } from './source';\nimport { InvalidPayloadError } from '../core/errors';"],
    ['src/notify/channels/email.ts', "import type { EmailChannelConfig } from '../../config/channel-config';\nimport type { Channel } from '../channel';"],
    ['src/cli/serve.ts', "import { createApp } from '../app';\nimport { createServer } from '../http/server';"],
    ['src/main.ts', "export const load = () => import('./cli/serve');"],
    ['src/quiet/maintenance.ts', "import { matchesAll } from '../core/matcher';\nimport type { MaintenanceConfig } from '../config/schema';\nimport type { RuleSet } from '../health-model/rule-set';"],
    ['src/incidents/ingest.ts', "import { coveringWindow } from '../quiet/maintenance';"],
    ['src/http/server.ts', "import type { MaintenanceWindow } from '../quiet/maintenance';"],
    ['test/unit/config/load-config.test.ts', "import { createApp } from '../../../src/app';"],
  ])('%s may import what it does', (file, code) => {
    expect(layerErrors(file, code)).toEqual([]);
  });

  test('the project config applies it to every file under src/ and to nothing else', async () => {
    const eslint = new ESLint({ cwd: REPO_DIR, overrideConfigFile: true, overrideConfig: projectConfig });
    const severity = async (file: string): Promise<unknown> => ((await eslint.calculateConfigForFile(file)) as Linter.Config).rules?.['local/layers'];
    const on = [2, { srcDir: path.join(REPO_DIR, 'src') }];
    expect(await severity('src/config/schema.ts')).toEqual(on);
    expect(await severity('src/notify/channels/webhook.ts')).toEqual(on);
    expect(await severity('test/unit/lint/layers.test.ts')).toBeUndefined();
  });
});
