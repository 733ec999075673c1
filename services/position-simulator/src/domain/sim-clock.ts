import type { SimulatedFix } from './simulation.js';

/**
 * Maps wall-clock time to simulated time: simulated = start + (wall − wallStart) × speedup.
 * SPEEDUP=10 is fast-forward: ten simulated seconds (driving, fix intervals, stops) pass per real
 * second, so fixes come ten times as often and vehicles cover ten times the ground per real second.
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

/**
 * A fix as it goes on the wire: stamped with the real time it is sent (so the tracker's freshness
 * and latency checks hold, and future-dated fixes are never produced), with the speed over real
 * time, so speed, time and distance between fixes agree. At SPEEDUP=1 nothing changes.
 */
export function onWallClock(fix: SimulatedFix, clock: SimClock): SimulatedFix {
  if (clock.speedup === 1) return fix;
  return {
    ...fix,
    time: new Date(Math.round(clock.wallAt(fix.time.getTime()))),
    speed: Math.round(fix.speed * clock.speedup * 100) / 100,
  };
}
