import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { generateJsonSchemas } from '../../../src/cli/json-schemas';
import { REPO_DIR } from '../../helpers/fixtures';

describe('JSON Schemas for editors', () => {
  const generated = generateJsonSchemas();

  test.each(Object.keys(generated))('schemas/%s is what the zod schema generates (run `npm run schemas` after a schema change)', (name) => {
    expect(readFileSync(path.join(REPO_DIR, 'schemas', name), 'utf8')).toBe(generated[name]);
  });

  test('no stale schema file is left in schemas/', () => {
    expect(readdirSync(path.join(REPO_DIR, 'schemas')).sort()).toEqual(Object.keys(generated).sort());
  });

  const firstLine = (file: string): string => readFileSync(path.join(REPO_DIR, file), 'utf8').split('\n')[0] ?? '';
  const yamlIn = (dir: string): string[] => readdirSync(path.join(REPO_DIR, dir)).filter((f) => f.endsWith('.yaml')).map((f) => `${dir}/${f}`);

  test.each([
    ...yamlIn('rules').map((f) => [f, '../schemas/health-model.schema.json']),
    ...yamlIn('rules/tests').map((f) => [f, '../../schemas/rule-test.schema.json']),
    ['config/incident-bridge.yaml', '../schemas/config.schema.json'],
  ])('%s names its schema for the YAML language server', (file, schema) => {
    expect(firstLine(file)).toBe(`# yaml-language-server: $schema=${schema}`);
  });

  test('the health model schema knows the vocabulary and refuses unknown keys', () => {
    const schema = JSON.parse(generated['health-model.schema.json'] as string) as { required: string[]; additionalProperties: boolean; properties: { metrics: { items: { properties: { impact: { enum: string[] } } } } } };
    expect(schema.required).toEqual(['name', 'owner', 'criticality', 'metrics']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.metrics.items.properties.impact.enum).toEqual(['full_outage', 'partial_outage', 'defect']);
  });
});
