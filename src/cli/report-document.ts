import type { PrintableReport, ReportFigures } from '../incidents/sla-report';
import { escapeHtml as esc } from '../notify/message-content';
import { en } from '../notify/locales/en';
import { formatDuration } from '../notify/sla-lines';

/**
 * The monthly SLA report as one HTML document a support company sends its customer: summary with
 * the change against the period before, charts (plain SVG), the figures by health model x
 * category x priority, the breaches, the noisiest and the recurring metrics. Self-contained
 * (styles inline, no script), printable to A4 by a browser.
 */
export function reportHtml(p: PrintableReport, title: { customer: string | null }): string {
  const r = p.report;
  const t = r.total;
  const prev = p.previous.total;
  const head = title.customer ? `Service level report: ${esc(title.customer)}` : 'Service level report';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${head}, ${esc(r.from)} to ${esc(r.to)}</title>
<style>${STYLE}</style></head><body>
<header><h1>${head}</h1>
<p class="period">Incidents opened from <b>${esc(r.from)}</b> to <b>${esc(r.to)}</b> (${esc(r.timezone)}, end excluded) · generated ${esc(new Date(p.generatedAt).toISOString().replace('T', ' ').slice(0, 16))} UTC · target ${fmtNumber(p.target)}% within SLA</p></header>
<section class="cards">
${card('Incidents', String(t.incidents), delta(t.incidents, prev.incidents, ''))}
${card('Mean time to acknowledge', dur(t.mttaSeconds), delta(t.mttaSeconds, prev.mttaSeconds, 's', true))}
${card('Mean time to resolve', dur(t.mttrSeconds), delta(t.mttrSeconds, prev.mttrSeconds, 's', true))}
${card('Response within SLA', pct(t.response.percent), delta(t.response.percent, prev.response.percent, 'pt'), level(t.response.percent, p.target))}
${card('Resolution within SLA', pct(t.resolution.percent), delta(t.resolution.percent, prev.resolution.percent, 'pt'), level(t.resolution.percent, p.target))}
${card('Under maintenance or silenced', String(t.suppressed), delta(t.suppressed, prev.suppressed, ''))}
</section>
<p class="note">Change against ${esc(p.previous.from)} to ${esc(p.previous.to)}. Breached: ${t.response.breached} responses, ${t.resolution.breached} resolutions.</p>
<section><h2>Within SLA by application</h2>${withinChart(p)}</section>
<section><h2>Incidents per day</h2>${dailyChart(p)}</section>
<section><h2>By application, category and priority</h2>${figuresTable(r.groupBy, r.groups, t)}</section>
<section><h2>Breaches</h2>${breachTable(p)}</section>
<section class="two"><div><h2>Noisiest metrics</h2>${metricTable(p.noisiest, 'No alerts in the period.')}</div>
<div><h2>Recurring defects</h2>${metricTable(p.recurring, 'No metric had more than one incident.')}</div></section>
<footer><p>An incident counts in the period it opened in. A clock is within SLA when it was met by its due time, breached when it passed its due time unmet (also when met later). Working time follows each priority's calendar; pauses and maintenance stop the clocks. Incidents opened under maintenance or a silence are not counted in the SLA figures. MTTA: mean time from opening to the first response; MTTR: mean time from opening to the final resolution.</p></footer>
</body></html>
`;
}

const STYLE = `
@page { size: A4; margin: 14mm; }
body { font: 10.5pt/1.4 system-ui, 'Segoe UI', Roboto, sans-serif; color: #1d2330; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 18pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #d9dde4; padding-bottom: 1mm; }
.period, .note, footer { color: #5b6475; font-size: 9pt; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 3mm; margin-top: 4mm; }
.card { border: 1px solid #d9dde4; border-radius: 2mm; padding: 3mm; } .card .v { font-size: 16pt; font-weight: 700; }
.card .k { color: #5b6475; font-size: 8.5pt; } .card .d { font-size: 8.5pt; color: #5b6475; }
.card.below .v { color: #b3261e; } .card.above .v { color: #1e7b3c; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; } th, td { text-align: left; padding: 1mm 1.5mm; border-bottom: 1px solid #e6e8ec; }
th { color: #5b6475; font-weight: 600; } td.n { text-align: right; font-variant-numeric: tabular-nums; } td.below { color: #b3261e; font-weight: 700; }
tr.total td { font-weight: 700; border-top: 1.5px solid #1d2330; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 5mm; }
svg { width: 100%; height: auto; } section { break-inside: avoid; } footer { margin-top: 8mm; }
`;

function card(label: string, value: string, change: string, cls = ''): string {
  return `<div class="card ${cls}"><div class="k">${esc(label)}</div><div class="v">${esc(value)}</div><div class="d">${change}</div></div>`;
}

function level(percent: number | null, target: number): string {
  return percent === null ? '' : percent < target ? 'below' : 'above';
}

/** The change against the period before: ▲/▼ and the difference (for times, lower is better). */
function delta(now: number | null, before: number | null, unit: 's' | 'pt' | '', lowerIsBetter = false): string {
  if (now === null || before === null) return 'no comparison';
  const d = now - before;
  if (Math.abs(d) < 1e-9) return 'unchanged';
  const better = lowerIsBetter ? d < 0 : d > 0;
  const text = unit === 's' ? dur(Math.abs(d)) : unit === 'pt' ? `${fmtNumber(Math.abs(d))} pt` : String(Math.abs(d));
  return `${d > 0 ? '▲' : '▼'} ${esc(text)}${unit === '' ? '' : better ? ' better' : ' worse'}`;
}

function figuresTable(groupBy: string[], groups: PrintableReport['report']['groups'], total: ReportFigures): string {
  if (groups.length === 0) return '<p>No incidents in the period.</p>';
  const head = `<tr>${groupBy.map((g) => `<th>${esc(LABEL[g] ?? g)}</th>`).join('')}<th>Incidents</th><th>MTTA</th><th>MTTR</th><th>Response</th><th>Resolution</th><th>Breached</th></tr>`;
  const row = (key: string[], f: ReportFigures, cls = '') =>
    `<tr class="${cls}">${key.map((k) => `<td>${esc(k)}</td>`).join('')}<td class="n">${f.incidents}</td><td class="n">${dur(f.mttaSeconds)}</td><td class="n">${dur(f.mttrSeconds)}</td><td class="n">${pct(f.response.percent)}</td><td class="n">${pct(f.resolution.percent)}</td><td class="n">${f.response.breached + f.resolution.breached}</td></tr>`;
  return `<table><thead>${head}</thead><tbody>${groups.map((g) => row(groupBy.map((d) => g.key[d as keyof typeof g.key] ?? '—'), g)).join('')}${row(groupBy.map((_, i) => (i === 0 ? 'Total' : '')), total, 'total')}</tbody></table>`;
}

function breachTable(p: PrintableReport): string {
  if (p.breaches.length === 0) return '<p>No clock was breached.</p>';
  const more = p.report.total.response.breached + p.report.total.resolution.breached - p.breaches.length;
  return `<table><thead><tr><th>Incident</th><th>Application</th><th>Priority</th><th>Clock</th><th>Due</th><th>Late by</th><th>Line</th></tr></thead><tbody>${p.breaches
    .map(
      (b) =>
        `<tr><td>#${b.incidentId} ${esc(b.title)}</td><td>${esc(b.healthModel)}</td><td>${b.priority}</td><td>${b.clock}${b.metAt === null ? ' (open)' : ''}</td><td>${esc(time(b.dueAt))}</td><td class="n">${dur(b.lateSeconds)}</td><td>${esc(b.line)}</td></tr>`,
    )
    .join('')}</tbody></table>${more > 0 ? `<p class="note">and ${more} more.</p>` : ''}`;
}

function metricTable(rows: PrintableReport['noisiest'], empty: string): string {
  if (rows.length === 0) return `<p>${esc(empty)}</p>`;
  return `<table><thead><tr><th>Application / metric</th><th>Incidents</th><th>Alerts</th><th>Deliveries</th></tr></thead><tbody>${rows
    .map((m) => `<tr><td>${esc(m.healthModel)} / ${esc(m.metric)}</td><td class="n">${m.incidents}</td><td class="n">${m.alerts}</td><td class="n">${m.deliveries}</td></tr>`)
    .join('')}</tbody></table>`;
}

/** Horizontal bars of response and resolution within SLA per health model, with the target as a dashed line. */
function withinChart(p: PrintableReport): string {
  const rows = p.byModel.filter((g) => g.response.percent !== null || g.resolution.percent !== null);
  if (rows.length === 0) return '<p>No clock was due in the period.</p>';
  const left = 160;
  const width = 520;
  const rowH = 30;
  const h = rows.length * rowH + 28;
  const x = (percent: number) => left + (percent / 100) * (width - left - 10);
  const bars = rows
    .map((g, i) => {
      const y = 8 + i * rowH;
      const bar = (v: number | null, dy: number, color: string) =>
        v === null ? '' : `<rect x="${left}" y="${y + dy}" width="${(x(v) - left).toFixed(1)}" height="10" fill="${color}"/><text x="${(x(v) + 3).toFixed(1)}" y="${y + dy + 9}" font-size="9">${fmtNumber(v)}%</text>`;
      return `<text x="${left - 6}" y="${y + 14}" font-size="10" text-anchor="end">${esc(String(g.key.healthModel ?? '—'))}</text>${bar(g.response.percent, 0, '#1f5fbf')}${bar(g.resolution.percent, 11, '#7fb0ff')}`;
    })
    .join('');
  const tx = x(p.target).toFixed(1);
  return `<svg viewBox="0 0 ${width} ${h}" role="img" aria-label="Share within SLA by application"><line x1="${tx}" y1="0" x2="${tx}" y2="${h - 20}" stroke="#b3261e" stroke-dasharray="4 3"/><text x="${tx}" y="${h - 8}" font-size="9" text-anchor="middle" fill="#b3261e">target ${fmtNumber(p.target)}%</text>${bars}<rect x="${left}" y="${h - 16}" width="10" height="8" fill="#1f5fbf"/><text x="${left + 14}" y="${h - 9}" font-size="9">response</text><rect x="${left + 70}" y="${h - 16}" width="10" height="8" fill="#7fb0ff"/><text x="${left + 84}" y="${h - 9}" font-size="9">resolution</text></svg>`;
}

/** Columns of incidents opened per day. */
function dailyChart(p: PrintableReport): string {
  const max = Math.max(1, ...p.daily.map((d) => d.incidents));
  const width = 520;
  const h = 120;
  const w = (width - 30) / Math.max(1, p.daily.length);
  const cols = p.daily
    .map((d, i) => {
      const bh = (d.incidents / max) * (h - 30);
      const xx = 30 + i * w;
      return `<rect x="${xx.toFixed(1)}" y="${(h - 18 - bh).toFixed(1)}" width="${Math.max(1, w - 2).toFixed(1)}" height="${bh.toFixed(1)}" fill="#1f5fbf"><title>${d.day}: ${d.incidents}</title></rect>${i % 5 === 0 ? `<text x="${xx.toFixed(1)}" y="${h - 5}" font-size="8">${d.day.slice(5)}</text>` : ''}`;
    })
    .join('');
  return `<svg viewBox="0 0 ${width} ${h}" role="img" aria-label="Incidents per day"><text x="0" y="10" font-size="8">${max}</text><line x1="28" y1="${h - 18}" x2="${width}" y2="${h - 18}" stroke="#d9dde4"/>${cols}</svg>`;
}

const LABEL: Record<string, string> = { healthModel: 'Application', category: 'Category', priority: 'Priority', impact: 'Impact', customer: 'Customer' };

function pct(v: number | null): string {
  return v === null ? '—' : `${fmtNumber(v)}%`;
}

function fmtNumber(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

function dur(seconds: number | null): string {
  return seconds === null ? '—' : formatDuration(seconds * 1000, en);
}

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
}
