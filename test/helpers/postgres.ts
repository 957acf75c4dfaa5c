import { Client } from 'pg';
import { startCluster } from '../../scripts/postgres-cluster';

/**
 * A real PostgreSQL server for a test file: the one at INCIDENT_BRIDGE_TEST_PG_URL when set (a
 * database of its own is created there and dropped at the end), otherwise a throwaway cluster
 * of Debian's `postgresql` package (scripts/postgres-cluster.js), started on 127.0.0.1 in a
 * temporary directory and removed at the end. Without either the test fails: it never skips.
 */
export interface TestPostgres {
  /** A new empty database on the server; dropped by stop(). */
  database(): Promise<string>;
  /** Drops the databases made and stops the server this helper started. */
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
  const given = process.env.INCIDENT_BRIDGE_TEST_PG_URL;
  const server = given ? { url: given, stop: () => undefined } : await startCluster();
  const made: string[] = [];
  const admin = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: server.url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    async database() {
      const name = `ib_test_${process.pid}_${made.length}_${Math.random().toString(36).slice(2, 8)}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      made.push(name);
      const url = new URL(server.url);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {
      try {
        await admin(async (c) => {
          for (const name of made) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        });
      } finally {
        server.stop();
      }
    },
  };
}

/** A server for the whole test file: started before its tests, stopped after them. */
export function postgresForFile(): () => TestPostgres {
  let pg: TestPostgres | null = null;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
  });
  return () => {
    if (pg === null) throw new Error('PostgreSQL is not started (postgresForFile() must run at the top of the test file)');
    return pg;
  };
}
