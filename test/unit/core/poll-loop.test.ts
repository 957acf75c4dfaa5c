import { PollLoop } from '../../../src/core/poll-loop';

describe('PollLoop', () => {
  test('runs one run at a time, again after each, and stop waits for the run in progress', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    let release: () => void = () => undefined;
    const third = new Promise<void>((resolve) => (release = resolve));
    const errors: unknown[] = [];
    const loop = new PollLoop({
      run: async () => {
        active++;
        most = Math.max(most, active);
        runs++;
        await Promise.resolve();
        active--;
        if (runs === 2) throw new Error('boom');
        if (runs === 3) release();
        return 0;
      },
      onError: (error) => errors.push(error),
      errorDelayMs: 0,
      minDelayMs: 0,
    });
    loop.start();
    await third;
    await loop.stop();
    const after = runs;
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toBe(after);
    expect(most).toBe(1);
    expect(errors).toEqual([new Error('boom')]);
  });
});
