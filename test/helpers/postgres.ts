import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/**
 * A real PostgreSQL server for a test file: the one at INCIDENT_BRIDGE_TEST_PG_URL when set (a
 * database of its own is created there and dropped at the end), otherwise a throwaway cluster
 * of Debian's `postgresql` package, started on 127.0.0.1 in a temporary directory and removed
 * at the end. Without either the test fails: it never skips.
 */
export interface TestPostgres {
  /** A new empty database on the server; dropped by stop(). */
  database(): Promise<string>;
  /** Drops the databases made and stops the server this helper started. */
  stop(): Promise<void>;
}

const BIN_ROOT = '/usr/lib/postgresql';

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

/** initdb and pg_ctl of the newest PostgreSQL installed, as the `postgres` user when run as root. */
async function startCluster(): Promise<{ url: string; stop: () => void }> {
  const versions = existsSync(BIN_ROOT) ? readdirSync(BIN_ROOT).filter((v) => existsSync(path.join(BIN_ROOT, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0) {
    throw new Error('PostgreSQL is not installed (Debian package postgresql; bash .ci/run installs it), and INCIDENT_BRIDGE_TEST_PG_URL is not set');
  }
  const bin = path.join(BIN_ROOT, versions.sort((a, b) => Number(b) - Number(a))[0]!, 'bin');
  const dir = mkdtempSync(path.join(tmpdir(), 'ib-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const ids = execFileSync('id', ['-u', 'postgres']).toString().trim();
    const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  const run = (cmd: string, args: string[]): void => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args];
    execFileSync(file, argv, { stdio: 'pipe' });
  };
  const data = path.join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
