/** A throwaway PostgreSQL cluster (scripts/postgres-cluster.js). */
export function startCluster(settings?: Record<string, string | number>): Promise<{ url: string; stop(): void }>;
export function postgresBin(): string | null;
