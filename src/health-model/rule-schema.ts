import { z } from 'zod';
import { durationMs, flappingSchema } from '../config/schema';
import { CATEGORIES, CRITICALITIES, IMPACTS, PRIORITIES } from '../core/vocabulary';

const name = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ".", "-" and "_"');
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'not a valid label name');

const responsible = z
  .object({
    name: z.string().min(1),
    role: z.string().optional(),
    contact: z.string().optional(),
  })
  .strict();

/** One business metric of a health model: which alerts it claims and what they mean. */
export const metricSchema = z
  .object({
    name,
    description: z.string().optional(),
    matchers: z
      .array(z.string().min(1))
      .min(1, 'a metric needs at least one matcher')
      .describe('Alertmanager matchers, all of which must hold: name="v", name!="v", name=~"regex", name!~"regex", or several in {…}'),
    impact: z.enum(IMPACTS).describe('full_outage, partial_outage or defect'),
    category: z.enum(CATEGORIES).describe('infrastructure, software, content or integration'),
    priority: z.enum(PRIORITIES).optional().describe("Overrides the config's priority matrix"),
    title: z.string().min(1).optional().describe('Liquid template over labels, annotations, status, source, fingerprint, healthModel, metric'),
    summary: z.string().optional().describe('Liquid template; default: the summary or description annotation'),
    runbookUrl: z.string().optional().describe('Liquid template; default: the runbook_url annotation'),
    groupBy: z.array(labelName).optional().describe('One incident per distinct value of these labels; default: the config\'s incidents.groupBy'),
    autoResolve: z
      .object({
        enabled: z.boolean().default(true),
        holdDown: durationMs.optional(),
      })
      .strict()
      .optional(),
    flapping: z
      .union([z.literal(false), flappingSchema])
      .optional()
      .describe("`{changes, window}`: this many state changes within the window make an incident flapping; false: never; default: the config's flapping"),
  })
  .strict();

/** A health model file: one business application, its owners and its metrics. */
export const healthModelSchema = z
  .object({
    name,
    description: z.string().optional(),
    owner: z.string().min(1),
    responsible: z.array(responsible).default([]),
    criticality: z.enum(CRITICALITIES).describe('high, medium or low: the row of the priority matrix'),
    customer: name.optional().describe("The customer whose application this is (a name of the config's customers)"),
    sla: name.optional().describe("The SLA policy of its incidents; default: its customer's, else the config's default"),
    escalation: name.optional().describe("The escalation policy of its incidents; default: its customer's, else the config's default"),
    metrics: z.array(metricSchema).min(1, 'a health model needs at least one metric').describe('Matched in the order written; the first metric whose matchers all hold claims the alert'),
  })
  .strict();

export type HealthModelData = z.output<typeof healthModelSchema>;
