import type { Logger } from '@fleetman/service-kit';
import type { SimClock } from '../domain/sim-clock.js';
import type { FleetSimulation, SimulatedFix } from '../domain/simulation.js';

export interface ReplayLoopOptions {
  simulation: FleetSimulation;
  clock: SimClock;
  /** Resolves once the broker has the fix; rejects when it could not be sent. */
  publish: (fix: SimulatedFix) => Promise<void>;
  /** Max publishes awaiting confirmation; the loop waits beyond it. */
  concurrency: number;
  logger: Logger;
  /** How far (wall ms) the simulation is behind real time, for a gauge. */
  onLag?: (lagMs: number) => void;
  onPublishFailed?: (error: unknown) => void;
  now?: () => number;
}

/** Shortest sleep between rounds: with thousands of staggered vehicles, batch rather than spin. */
const MIN_TICK_MS = 50;

/**
 * Drives the simulation in real time: each round moves the simulated clock to "now" and publishes
 * the fixes due. Memory stays bounded whatever the broker does: a round never advances more than
 * one fix interval (so at most one batch of fixes per vehicle exists), and publishing waits while
 * `concurrency` sends are unconfirmed. A slow broker therefore slows the simulation (lag grows)
 * instead of growing a buffer.
 */
export class ReplayLoop {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private wake: (() => void) | undefined;

  constructor(
    private readonly options: ReplayLoopOptions,
    private readonly maxRoundMs: number,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops generating, then waits for the sends already started. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    const { simulation, clock, logger, now = Date.now } = this.options;
    while (this.running) {
      const target = clock.simulatedAt(now());
      const until = Math.min(target, simulation.clock.getTime() + this.maxRoundMs);
      this.options.onLag?.(Math.max(0, now() - clock.wallAt(until)));
      // Stamped with simulated time as they are: speeds and durations stay true at any SPEEDUP.
      for (const fix of simulation.advanceTo(until)) {
        if (!this.running) break;
        await this.send(fix);
      }
      if (until < target) {
        // Behind: next round at once, but through the event loop. With a fast broker every await
        // above settles as a microtask, and looping on microtasks alone would starve timers,
        // HTTP (/readyz, /metrics) and the SIGTERM handler.
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      const sleepMs = Math.max(MIN_TICK_MS, clock.wallAt(simulation.nextDueAt) - now());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, sleepMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    logger.debug('replay loop stopped');
  }

  /** Starts one publish, first waiting for a free slot when `concurrency` are in flight. */
  private async send(fix: SimulatedFix): Promise<void> {
    while (this.inFlight.size >= this.options.concurrency) await Promise.race(this.inFlight);
    const sending = this.options
      .publish(fix)
      .catch((error: unknown) => this.options.onPublishFailed?.(error))
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }
}
