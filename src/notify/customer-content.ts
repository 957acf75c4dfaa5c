import type { LocaleName } from '../core/vocabulary';
import type { IncidentRecord } from '../store/store';
import { en } from './locales/en';
import type { Locale } from './locales/locale';
import { ru } from './locales/ru';
import { formatTime } from './message-content';
import type { MessageContent } from './message-content';

const LOCALE_TEXTS: Record<LocaleName, Locale> = { en, ru };

/** The events a customer hears about. */
export type CustomerEvent = 'opened' | 'update' | 'resolved';

/**
 * What a customer is told about one of its incidents, in its language: what is affected (the
 * health model and metric, never alert labels or the title rendered from them), the impact and
 * priority, the times, what is due under its contract, a public update's text and, when the
 * person who resolved it marked it public, the resolution note. No runbook, no staff name, no
 * internal link. Channels format it like any other message. Pure.
 */
export function buildCustomerContent(input: {
  event: CustomerEvent;
  incident: IncidentRecord;
  locale: LocaleName;
  /** The text of a public update. */
  note?: string | null;
  nextUpdateDueAt?: number | null;
  /** When the resolution is due under the customer's contract; default the incident's SLA. */
  resolutionDueAt?: number | null;
}): MessageContent {
  const t = LOCALE_TEXTS[input.locale];
  const c = t.customer;
  const i = input.incident;
  const affected = `${i.healthModel}: ${i.metric.replace(/[-_]+/g, ' ')}`;
  const fields = [
    { label: c.affected, value: affected },
    { label: c.impact, value: t.impacts[i.impact] },
    { label: c.priority, value: t.priorities[i.priority] },
    { label: c.status, value: c.statuses[i.status] },
    { label: c.opened, value: formatTime(i.openedAt) },
  ];
  if (i.resolvedAt !== null && input.event === 'resolved') fields.push({ label: c.resolved, value: formatTime(i.resolvedAt) });
  if (input.event !== 'resolved') {
    if (input.nextUpdateDueAt) fields.push({ label: c.nextUpdateDue, value: formatTime(input.nextUpdateDueAt) });
    const resolutionDueAt = input.resolutionDueAt ?? i.sla?.resolutionDueAt ?? null;
    if (resolutionDueAt) fields.push({ label: c.resolutionDue, value: formatTime(resolutionDueAt) });
  }
  const said = input.event === 'update' ? (input.note ?? '') : input.event === 'resolved' && i.resolutionPublic && i.resolutionNote ? `${c.resolution}: ${i.resolutionNote}` : '';
  return {
    locale: input.locale,
    headline: c.headline[input.event](i.id),
    reason: null,
    eventLabel: c.headline[input.event](i.id),
    title: affected,
    summary: said ? `${c.intro[input.event]}\n${said}` : c.intro[input.event],
    fields,
    affectedLabel: c.affected,
    alertLines: [],
    runbookLabel: '',
    runbookUrl: null,
    lastTime: null,
    linkLabel: '',
    link: null,
  };
}
