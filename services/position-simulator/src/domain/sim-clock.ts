/**
 * Maps wall-clock time to simulated time: simulated = start + (wall − wallStart) × speedup.
 * SPEEDUP=10 makes ten simulated seconds (ten seconds of driving, fix intervals, stops) pass per
 * real second. Fix times are simulated times, so they stay consistent with the distance driven.
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

  simulatedAt(wallMs: number): number {
    return this.simStart + (wallMs - this.wallStart) * this.speedup;
  }

  /** Wall-clock time at which simulated time simMs is reached (to sleep until the next fix). */
  wallAt(simMs: number): number {
    return this.wallStart + (simMs - this.simStart) / this.speedup;
  }
}
