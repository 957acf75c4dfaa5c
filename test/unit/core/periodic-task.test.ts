import { PeriodicTask } from '../../../src/core/periodic-task';

/** Timeline on jest's fake timers: when each run happened, in fake milliseconds since the start. */
describe('PeriodicTask', () => {
  const start = Date.UTC(2026, 10, 2, 8, 0);
  beforeEach(() => {
    jest.useFakeTimers({ now: start });
    jest.spyOn(Math, 'random').mockReturnValue(0.5); // no jitter: the interval exactly
  });
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  /** A task whose runs say the next work is at `nextAt[i]` (absolute, or null); records when each ran. */
  function taskSaying(nextAt: (number | null)[]): { task: PeriodicTask<number | null>; ranAt: number[] } {
    const ranAt: number[] = [];
    const task = new PeriodicTask<number | null>({
      intervalMs: 1000,
      run: () => {
        ranAt.push(Date.now() - start);
        return Promise.resolve(nextAt[ranAt.length - 1] ?? null);
      },
      nextRunAt: (next) => next,
      now: () => Date.now(),
      onError: () => undefined,
    });
    return { task, ranAt };
  }

  test('wakes at the next work\'s due time when it comes before the interval, else after the interval', async () => {
    // Run 1 at 1000 says work at 1250: run 2 at 1251. Run 2 says 5000 (after the interval): run 3
    // at 2251. Run 3 says nothing known: run 4 at 3251.
    const { task, ranAt } = taskSaying([start + 1250, start + 5000, null]);
    task.start();
    await jest.advanceTimersByTimeAsync(3300);
    await task.stop();
    expect(ranAt).toEqual([1000, 1251, 2251, 3251]);
  });

  test('work already due that the run left undone waits for the interval (no spinning)', async () => {
    const { task, ranAt } = taskSaying([start + 500, start + 1500]);
    task.start();
    await jest.advanceTimersByTimeAsync(2500);
    await task.stop();
    expect(ranAt).toEqual([1000, 2000]);
  });

  test('without nextRunAt the task keeps its interval', async () => {
    const ranAt: number[] = [];
    const task = new PeriodicTask({
      intervalMs: 1000,
      run: () => Promise.resolve(ranAt.push(Date.now() - start)),
      onError: () => undefined,
    });
    task.start();
    await jest.advanceTimersByTimeAsync(3500);
    await task.stop();
    expect(ranAt).toEqual([1000, 2000, 3000]);
  });
});
