/**
 * Turns at SQLite's one write lock between the daemon's thread and a helper thread that writes
 * the same file on a connection of its own (the SLA scheduler). SQLite's lock keeps the two
 * correct, with immediate transactions on both sides; the gate keeps them fast:
 *   - the daemon never waits in SQLite's busy handler, which would stop its event loop: while
 *     the helper wants or holds the lock, the daemon's next write awaits its turn, and the
 *     webhooks that arrive meanwhile are parsed and join the batch after it;
 *   - the helper, after each of its transactions, lets the daemon's waiting writes have a turn
 *     at least as long as its own before it asks again, so that it never takes more than about
 *     half of the lock while the daemon has work.
 * The words live in a SharedArrayBuffer that both threads see.
 */
const STATE = 0;
/** 1 while the helper waits for the lock: the daemon starts no new write meanwhile. */
const HELPER_WANTS = 1;
/** How many of the daemon's writes are waiting for their turn. */
const WAITING = 2;
/** Bumped at the end of each of the daemon's writes. */
const DAEMON_TURNS = 3;
const WORDS = 4;

const FREE = 0;
const DAEMON = 1;
const HELPER = 2;

/** The longest the helper stays out of the daemon's way after one of its turns. */
const MAX_GIVE_WAY_MS = 1000;
/** How often a waiter looks again at a gate whose other side went silent. */
const RECHECK_MS = 50;

export class WriterGate {
  private readonly cells: Int32Array;
  /** The helper's last turn: when it ended and how long it took. */
  private lastLeftAt = 0;
  private lastTookMs = 0;
  private enteredAt = 0;
  private readonly resetListeners: (() => void)[] = [];

  constructor(
    buffer: SharedArrayBuffer = new SharedArrayBuffer(WORDS * Int32Array.BYTES_PER_ELEMENT),
    /** Which side this thread's object takes turns for (enter and leave). */
    readonly side: 'daemon' | 'helper' = 'daemon',
    /** The helper stays away this many times its own turn while the daemon has writes waiting. */
    private readonly giveWay = 1,
  ) {
    this.cells = new Int32Array(buffer);
  }

  /** Takes this side's turn for one write: null when taken now, otherwise resolves once taken. */
  enter(): Promise<void> | null {
    return this.side === 'daemon' ? this.daemonTurn() : this.helperEnter();
  }

  /** Ends this side's turn. */
  leave(): void {
    if (this.side === 'daemon') this.daemonDone();
    else this.helperLeave();
  }

  /** The shared words, to hand to the other thread. */
  get buffer(): SharedArrayBuffer {
    return this.cells.buffer as SharedArrayBuffer;
  }

  // The daemon's side.

  /** Takes the lock for one of the daemon's writes: null when taken now, otherwise resolves once taken. */
  daemonTurn(): Promise<void> | null {
    return this.daemonTake() ? null : this.daemonWait();
  }

  /** The daemon's write ended: the lock is free, and a helper giving way may go again. */
  daemonDone(): void {
    Atomics.store(this.cells, STATE, FREE);
    Atomics.notify(this.cells, STATE);
    Atomics.add(this.cells, DAEMON_TURNS, 1);
    Atomics.notify(this.cells, DAEMON_TURNS);
  }

  /** The helper is gone (its thread ended): whatever it held or wanted is released. */
  reset(): void {
    Atomics.store(this.cells, HELPER_WANTS, 0);
    Atomics.compareExchange(this.cells, STATE, HELPER, FREE);
    Atomics.notify(this.cells, STATE);
    for (const listener of this.resetListeners.splice(0)) listener();
  }

  /** Runs `listener` (on this thread) when reset() says the helper is gone. */
  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  private daemonTake(): boolean {
    return Atomics.load(this.cells, HELPER_WANTS) === 0 && Atomics.compareExchange(this.cells, STATE, FREE, DAEMON) === FREE;
  }

  private async daemonWait(): Promise<void> {
    Atomics.add(this.cells, WAITING, 1);
    try {
      while (!this.daemonTake()) {
        const state = Atomics.load(this.cells, STATE);
        // Free but wanted: the helper takes it in a moment; look again soon.
        const waited = Atomics.waitAsync(this.cells, STATE, state, state === FREE ? 1 : RECHECK_MS);
        if (waited.async) await waited.value;
      }
    } finally {
      Atomics.sub(this.cells, WAITING, 1);
    }
  }

  // The helper's side.

  /**
   * Takes the lock for one of the helper's transactions. First it gives way to the daemon's
   * waiting writes (one turn of theirs at least, and `giveWay` times the helper's last turn),
   * then it says it wants the lock, so that the daemon starts no new write, and takes it once
   * the daemon's write in progress has ended. The caller then begins an immediate transaction,
   * which SQLite grants at once.
   */
  async helperEnter(): Promise<void> {
    if (Atomics.load(this.cells, WAITING) > 0) {
      const turns = Atomics.load(this.cells, DAEMON_TURNS);
      const waited = Atomics.waitAsync(this.cells, DAEMON_TURNS, turns, MAX_GIVE_WAY_MS);
      if (waited.async) await waited.value;
      const rest = this.lastLeftAt + Math.min(this.lastTookMs * this.giveWay, MAX_GIVE_WAY_MS) - performance.now();
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
    Atomics.store(this.cells, HELPER_WANTS, 1);
    while (Atomics.compareExchange(this.cells, STATE, FREE, HELPER) !== FREE) {
      const waited = Atomics.waitAsync(this.cells, STATE, Atomics.load(this.cells, STATE), RECHECK_MS);
      if (waited.async) await waited.value;
    }
    Atomics.store(this.cells, HELPER_WANTS, 0);
    this.enteredAt = performance.now();
  }

  /**
   * True while the helper holds the lock, has held it at least `minTurnMs`, and a write of the
   * daemon waits for it: the helper's transaction should commit what it has and leave.
   */
  daemonWaitsFor(minTurnMs: number): boolean {
    return (
      Atomics.load(this.cells, WAITING) > 0 && Atomics.load(this.cells, STATE) === HELPER && performance.now() - this.enteredAt >= minTurnMs
    );
  }

  /** The helper's transaction ended (committed or rolled back). */
  helperLeave(): void {
    const now = performance.now();
    this.lastTookMs = now - this.enteredAt;
    this.lastLeftAt = now;
    Atomics.store(this.cells, STATE, FREE);
    Atomics.notify(this.cells, STATE);
  }
}
