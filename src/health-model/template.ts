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
