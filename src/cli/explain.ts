import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { LoadedConfig } from '../config/load-config';
import { systemClock } from '../core/clock';
import { AppError, formatProblem } from '../core/errors';
import { explainAlerts } from '../incidents/explain';
import type { AlertExplanation } from '../incidents/explain';
import { loadRuleSet, ruleLoadOptions } from '../health-model/load-rules';
import { createSource } from '../sources/index';
import { SOURCE_TYPES } from '../sources/source-types';
import type { SourceType } from '../sources/source-types';
import { openStoreReadOnly } from '../store/open-store';
import { DEFAULT_CONFIG, loadCommandConfig } from './options';

/**
 * `incident-bridge explain [--config FILE] [--source NAME|TYPE] [--db FILE] [--format text|json] PAYLOAD.json`:
 * for each alert of a webhook payload (`-` reads stdin), the rules tried in order and why each
 * matched or not, the classification, the incident key and what ingest would do now given the
 * store (opened read-only; an absent store counts as empty). Changes nothing. Exit 1 when the
 * config, the rules or the payload are invalid.
 */
export async function runExplain(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c', default: DEFAULT_CONFIG },
      source: { type: 'string', default: 'alertmanager' },
      db: { type: 'string' },
      format: { type: 'string', default: 'text' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new Error('explain takes exactly one payload file (or - for stdin)');
  const loaded = loadCommandConfig(values.config, values.db, out);
  if (loaded === null) return 1;
  const { ruleSet, problems } = loadRuleSet(ruleLoadOptions(loaded.config, loaded.file, loaded.rulesDir, systemClock));
  if (!ruleSet) {
    for (const p of problems) out.write(`${formatProblem(p)}\n`);
    return 1;
  }
  const source = resolveSource(values.source ?? 'alertmanager', loaded);
  const payload = JSON.parse(readFileSync(positionals[0] === '-' ? 0 : (positionals[0] as string), 'utf8')) as unknown;
  const nowMs = systemClock.now().getTime();
  const store = await openStoreReadOnly(loaded.store);
  try {
    const alerts = createSource(source.type).parse(payload, { receivedAt: nowMs });
    const explained = await explainAlerts(source.name, alerts, ruleSet, store.readModel, { reopenWindowMs: loaded.config.incidents.reopenWindow, nowMs });
    out.write(values.format === 'json' ? `${JSON.stringify({ source: source.name, alerts: explained }, null, 2)}\n` : formatExplanations(explained));
    return 0;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    out.write(`${positionals[0]}: ${error.message}: ${JSON.stringify(error.detail ?? null)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

/** A configured source by name; else the first configured source of that type; else the type itself. */
function resolveSource(value: string, loaded: LoadedConfig): { name: string; type: SourceType } {
  const byName = loaded.config.sources.find((s) => s.name === value);
  if (byName) return { name: byName.name, type: byName.type };
  if (!(SOURCE_TYPES as readonly string[]).includes(value)) throw new Error(`--source: "${value}" is neither a configured source nor one of ${SOURCE_TYPES.join(', ')}`);
  const byType = loaded.config.sources.find((s) => s.type === value);
  return { name: byType?.name ?? value, type: value as SourceType };
}

/** Renders explanations for a terminal, one block per alert. */
export function formatExplanations(explained: readonly AlertExplanation[]): string {
  const lines: string[] = [];
  explained.forEach((e, i) => {
    const labels = Object.entries(e.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
    lines.push(`alert ${i + 1}/${explained.length} ${e.fingerprint} ${e.status} {${labels}}`);
    for (const t of e.tried) {
      const at = `${t.healthModel}/${t.metric} (${t.file}:${t.line})`;
      if (t.skipped) lines.push(`  - ${at}: skipped: a monitoring_gap alert only goes to a metric that matches on monitoring_gap`);
      else if (t.matched) lines.push(`  + ${at}: matches`);
      else {
        const failed = t.matchers.filter((m) => !m.matched).map((m) => `${m.matcher} (${m.actual === null ? 'label missing' : `is ${JSON.stringify(m.actual)}`})`);
        lines.push(`  - ${at}: no match: ${failed.join(', ')}`);
      }
    }
    const c = e.classification;
    const by = c.by === 'rule' ? '' : ` (no metric claims it: ${c.by === 'fallback' ? 'the fallback' : 'the monitoring-gap metric'} takes it)`;
    lines.push(`  classification: ${c.healthModel}/${c.metric}${by}, impact ${c.impact}, category ${c.category}, priority ${c.priority}`);
    lines.push(`  incident key: ${c.incidentKey}`);
    lines.push(`  title: ${c.title}`);
    lines.push(`  now: ${e.decision.action}: ${e.decision.reason}`);
  });
  return `${lines.join('\n')}\n`;
}
