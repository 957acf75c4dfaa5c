import type { Daemon } from './daemon';

/** What the probe preloaded into the daemon (prototype-probe.js) answers. */
export interface ProbeAnswer {
  changes: string[];
  memory: { heapUsed: number; heapTotal: number; rss: number; external: number; arrayBuffers: number };
}

/** Asks the daemon's preloaded probe for prototype changes and memory after a full GC (or without one: `gc: false`). */
export function probe(daemon: Daemon, options: { gc?: boolean } = {}): Promise<ProbeAnswer> {
  const id = Math.random();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the daemon did not answer the probe')), 30_000);
    const onMessage = (m: { type?: string; id?: number } & ProbeAnswer): void => {
      if (m.type !== 'reliability-probe' || m.id !== id) return;
      clearTimeout(timer);
      daemon.child.off('message', onMessage);
      resolve(m);
    };
    daemon.child.on('message', onMessage);
    daemon.child.send({ type: 'reliability-probe', id, gc: options.gc ?? true });
  });
}
