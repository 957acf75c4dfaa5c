/** Rows per table as the store commands print them: `12 incidents, 40 alerts, ...`. */
export function formatRowCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([table, n]) => `${n} ${table}`)
    .join(', ');
}
