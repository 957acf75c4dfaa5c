import { z } from 'zod';
import { configSchema } from '../config/schema';
import { healthModelSchema } from '../health-model/rule-schema';
import { ruleTestFileSchema } from '../rule-tests/test-file';

/** The JSON Schema files shipped in `schemas/`, by file name. */
export type JsonSchemaFiles = Record<string, string>;

/**
 * Generates the editor schemas from the zod schemas the daemon validates with, so the two can
 * never disagree. They describe what a person writes (`io: 'input'`): durations and sizes are
 * strings there. Returns each file's text, formatted and newline-terminated.
 */
export function generateJsonSchemas(): JsonSchemaFiles {
  const render = (schema: z.ZodType, title: string): string => {
    const json = { ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), title };
    return `${JSON.stringify(json, null, 2)}\n`;
  };
  return {
    'health-model.schema.json': render(healthModelSchema, 'incident-bridge health model'),
    'config.schema.json': render(configSchema, 'incident-bridge configuration'),
    'rule-test.schema.json': render(ruleTestFileSchema, 'incident-bridge rule test file'),
  };
}
