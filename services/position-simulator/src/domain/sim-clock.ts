/**
 * Maps wall-clock time to simulated time. Fixes are stamped with simulated time, so speeds, fix
 * intervals and stop durations between fixes are true at any SPEEDUP. Simulated time never runs
 * ahead of the wall clock (the tracker rejects fixes more than 5 min in the future), so a
 * fast-forward starts in the past: `fastForward(10, now, 1h)` starts 9 h ago, runs ten times
 * faster, reaches the present after one real hour and from then on runs at real time.
 */
export class SimClock {
  private readonly simStart: number;
  private readonly wallStart: number;

  constructor(
    readonly speedup: number,
    wallStartMs: number,
    simStartMs: number = wallStartMs,
  ) {
    if (!(speedup > 0)) throw new Error('speedup must be positive');
    this.wallStart = wallStartMs;
    this.simStart = simStartMs;
  }

  /**
   * A clock that runs `speedup` times faster for `forMs` of real time, starting far enough in
   * the past to reach the present then. At a speedup of 1 or below it starts now.
   */
  static fastForward(speedup: number, wallStartMs: number, forMs: number): SimClock {
    const lead = speedup > 1 ? (speedup - 1) * forMs : 0;
    return new SimClock(speedup, wallStartMs, wallStartMs - lead);
  }

  simulatedAt(wallMs: number): number {
    const fast = this.simStart + (wallMs - this.wallStart) * this.speedup;
    // Caught up with the present: real time from here on (a clock already ahead stays as is).
    return this.speedup > 1 && this.simStart <= this.wallStart ? Math.min(fast, wallMs) : fast;
  }

  /** Wall-clock time at which simulated time simMs is reached (to sleep until the next fix). */
  wallAt(simMs: number): number {
    const fast = this.wallStart + (simMs - this.simStart) / this.speedup;
    return this.speedup > 1 && this.simStart <= this.wallStart && simMs > fast ? simMs : fast;
  }
}
