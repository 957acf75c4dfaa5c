'use strict';

/*
 * A throwaway PostgreSQL cluster of Debian's `postgresql` package for the tests and the
 * benchmark: initdb in a temporary directory, the server on 127.0.0.1 on a free port (its socket
 * in that directory too), trust authentication, stopped and removed by stop(). As root, the
 * server runs as the `postgres` user (PostgreSQL refuses to run as root).
 */

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const BIN_ROOT = '/usr/lib/postgresql';

/** The bin directory of the newest PostgreSQL installed, or null. */
function postgresBin() {
  if (!fs.existsSync(BIN_ROOT)) return null;
  const versions = fs.readdirSync(BIN_ROOT).filter((v) => fs.existsSync(path.join(BIN_ROOT, v, 'bin', 'initdb')));
  if (versions.length === 0) return null;
  return path.join(BIN_ROOT, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts a cluster; resolves `{ url, stop }`: `url` of its `postgres` database as the superuser
 * `postgres`, `stop()` ends the server at once and removes its files. `settings` are extra
 * `-c name=value` server settings.
 */
async function startCluster(settings = {}) {
  const bin = postgresBin();
  if (bin === null) throw new Error('PostgreSQL is not installed (Debian package postgresql; bash .ci/run installs it)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ib-pg-'));
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    fs.chownSync(dir, uid, gid);
  }
  const run = (cmd, args) => {
    const file = path.join(bin, cmd);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], { stdio: 'pipe' });
    else execFileSync(file, args, { stdio: 'pipe' });
  };
  const data = path.join(dir, 'data');
  const port = await freePort();
  const options = [`-c listen_addresses=127.0.0.1`, `-p ${port}`, `-k ${dir}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
    run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-o', options, 'start']);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

module.exports = { startCluster, postgresBin };
