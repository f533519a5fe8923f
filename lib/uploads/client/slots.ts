/** A counting semaphore with a pause gate: at most `n` transfers run, none start while paused. */
export class Slots {
  private free: number;
  private waiters: (() => void)[] = [];
  private paused = false;
  private resumeWaiters: (() => void)[] = [];
  private heldWatchers: (() => void)[] = [];

  constructor(n: number) {
    this.free = n;
  }

  async acquire(): Promise<() => void> {
    await this.whileRunning();
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiters.push(r));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.free++;
    };
  }

  async whileRunning(): Promise<void> {
    while (this.paused) {
      const resumed = new Promise<void>((r) => this.resumeWaiters.push(r));
      for (const w of this.heldWatchers.splice(0)) w();
      await resumed;
    }
  }

  /** Resolves once a transfer is held by Pause (waiting for Resume): an event, so nobody waits on a clock to know it. */
  held(): Promise<void> {
    return this.resumeWaiters.length > 0 ? Promise.resolve() : new Promise<void>((r) => this.heldWatchers.push(r));
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) for (const r of this.resumeWaiters.splice(0)) r();
  }

  get isPaused(): boolean {
    return this.paused;
  }
}
