import { createLogger } from '../../../src/core/logger';
import { createPipeline } from '../../../src/incidents/pipeline';
import { SlaWorker } from '../../../src/incidents/sla-worker';
import type { BatchOptions, IncidentStore, Unit } from '../../../src/store/store';
import { amBody } from '../../helpers/engine';
import { allDayTerms } from '../../helpers/sla-terms';
import { FakeClock } from '../../helpers/fake-clock';
import { exampleRuleSet } from '../../helpers/rules';

const TERMS = allDayTerms([{ clock: 'response', at: { kind: 'share', share: 0.5 }, atText: '50%', action: 'remind' }]);

/**
 * The scheduler beside ingest on another connection (`yieldAfterMs`): its batches may end early
 * (the store yields the write lock to a waiting write), and the next batch starts while the last
 * one's WAL is still being flushed. Timeline on a fake clock: five incidents opened at 10:00, the
 * clock then moved to their reminders' due time.
 */
async function fiveDue() {
  const clock = new FakeClock('2026-05-04T10:00:00Z');
  const pipeline = createPipeline({ ruleSet: exampleRuleSet(), clock, policy: { reopenWindowMs: 3_600_000, slaTermsFor: () => TERMS } });
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) {
    const body = amBody([{ labels: { alertname: 'BlackboxProbeFailed', instance: `https://checkout-${i}.example.net/health` }, startsAt: '2026-05-04T09:59:00Z', status: 'firing' }]);
    ids.push(...(await pipeline.push(body, { name: 'alertmanager', type: 'alertmanager' })).incidents);
  }
  // Every one's first step (the reminder at 50% of the response) comes due at the same instant.
  const due = await pipeline.store.incidents.nextSlaDue();
  clock.set(new Date(due!).toISOString());
  const reminders = async () => {
    const out: number[] = [];
    for (const id of ids) out.push((await pipeline.readModel.getIncident(id))!.timeline.filter((t) => t.event === 'reminder').length);
    return out;
  };
  return { clock, pipeline, ids, reminders };
}

/** The store, with every batch given `yieldAfterMs` cut short after `runs` units, as a yield would; counts the batches. */
function yielding(inner: IncidentStore, runs: number, wrap: <T>(unit: Unit<T>) => Unit<T> = (u) => u) {
  const calls: (BatchOptions | undefined)[] = [];
  const store: IncidentStore = Object.create(inner) as IncidentStore;
  store.runBatch = <T>(units: Unit<T>[], options?: BatchOptions) => {
    calls.push(options);
    const ran = options?.yieldAfterMs === undefined ? units : units.slice(0, runs);
    return inner.runBatch(ran.map(wrap), options);
  };
  return { store, calls };
}

describe('SlaWorker beside ingest (yieldAfterMs)', () => {
  test('a pass whose batches end early runs every due step once, in batches that ask to yield', async () => {
    const t = await fiveDue();
    try {
      const { store, calls } = yielding(t.pipeline.store.incidents, 2);
      const worker = new SlaWorker({ store, clock: t.clock, logger: createLogger({ silent: true }), batch: 10, yieldAfterMs: 3 });
      expect(await t.reminders()).toEqual([0, 0, 0, 0, 0]);
      expect(await worker.runOnce()).toBe(5);
      expect(await t.reminders()).toEqual([1, 1, 1, 1, 1]);
      // 2 + 2 + 1: three batches that ran something; each asked to yield after 3 ms.
      expect(calls).toEqual([{ yieldAfterMs: 3, optimistic: true }, { yieldAfterMs: 3, optimistic: true }, { yieldAfterMs: 3, optimistic: true }]);
      expect(await worker.runOnce()).toBe(0);
    } finally {
      await t.pipeline.close();
    }
  });

  test('a step listener that throws fails the pass, and no batch is left as an unhandled rejection', async () => {
    const t = await fiveDue();
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const { store } = yielding(t.pipeline.store.incidents, 1);
      const onStep = () => {
        throw new Error('listener broke');
      };
      const worker = new SlaWorker({ store, clock: t.clock, logger: createLogger({ silent: true }), batch: 10, yieldAfterMs: 3, onStep });
      await expect(worker.runOnce()).rejects.toThrow('listener broke');
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
      await t.pipeline.close();
    }
  });

  test('a pass whose every unit fails stops after the batch that came back, instead of looping', async () => {
    const t = await fiveDue();
    try {
      const failing = <T>(): Unit<T> => () => Promise.reject(new Error('disk on fire'));
      const { store, calls } = yielding(t.pipeline.store.incidents, 10, failing);
      const worker = new SlaWorker({ store, clock: t.clock, logger: createLogger({ silent: true }), batch: 10, yieldAfterMs: 3 });
      expect(await worker.runOnce()).toBe(0);
      expect(calls.length).toBe(2);
      expect(await t.reminders()).toEqual([0, 0, 0, 0, 0]);
    } finally {
      await t.pipeline.close();
    }
  });
});
