import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The webhook payload fixtures of Alertmanager, Grafana and Zabbix in `test/fixtures/payloads`
 * (described in its README); INCIDENT_BRIDGE_FIXTURES points the tests at another copy.
 */
export const FIXTURES_DIR = process.env.INCIDENT_BRIDGE_FIXTURES ?? path.resolve(__dirname, '../fixtures/payloads');

/** The raw bytes of a fixture, e.g. `alertmanager/am-01-firing-single.json`. */
export function fixtureText(name: string): string {
  return readFileSync(path.join(FIXTURES_DIR, name), 'utf8');
}

/** A fixture parsed as JSON; each call returns a fresh copy that a test may change. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** The repository's example health models and config. */
export const REPO_DIR = path.resolve(__dirname, '../..');
export const RULES_DIR = path.join(REPO_DIR, 'rules');
