import { Liquid } from 'liquidjs';
import type { Template } from 'liquidjs';

// Unknown filters fail at parse time, so a typo is a rule error and never a broken title.
const liquid = new Liquid({ strictFilters: true, ownPropertyOnly: true, outputEscape: undefined });

/** A parsed title/summary template over an alert's labels and annotations. */
export interface MessageTemplate {
  source: string;
  render(context: TemplateContext): string;
}

/** The variables a rule template can use. */
export interface TemplateContext {
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  status: string;
  source: string;
  fingerprint: string;
  healthModel: string;
  metric: string;
}

/** Parses a Liquid template; throws the parser's error (with its line and column) when invalid. */
export function compileTemplate(source: string): MessageTemplate {
  const parsed: Template[] = liquid.parse(source);
  return {
    source,
    render(context) {
      try {
        return String(liquid.renderSync(parsed, context as unknown as Record<string, unknown>)).trim();
      } catch {
        // A runtime failure (bad data for a filter) must not stop ingest: fall back to the raw template.
        return source;
      }
    },
  };
}

/** The root variables a rule template may use: the fields of TemplateContext. */
export const TEMPLATE_VARIABLES: readonly (keyof TemplateContext)[] = ['labels', 'annotations', 'status', 'source', 'fingerprint', 'healthModel', 'metric'];

/** A variable a template reads that no alert provides, with its 1-based line and column in the template. */
export interface UnknownVariable {
  name: string;
  line: number;
  col: number;
}

/**
 * Lists the global variables of a valid template that are not TEMPLATE_VARIABLES (a typo such as
 * `label.instance` renders as empty text otherwise). Variables a template assigns or loops over
 * itself are local and allowed. Throws like compileTemplate on a template that does not parse.
 */
export function unknownTemplateVariables(source: string): UnknownVariable[] {
  const globals = liquid.analyzeSync(liquid.parse(source)).globals;
  const out: UnknownVariable[] = [];
  for (const [name, uses] of Object.entries(globals)) {
    if ((TEMPLATE_VARIABLES as readonly string[]).includes(name)) continue;
    for (const use of uses) out.push({ name, line: use.location.row, col: use.location.col });
  }
  return out.sort((a, b) => a.line - b.line || a.col - b.col);
}
