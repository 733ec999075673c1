import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { createLogger } from '@fleetman/service-kit';
import { Route } from '../domain/route.js';
import { SimClock } from '../domain/sim-clock.js';
import { FleetSimulation, type SimulatedFix } from '../domain/simulation.js';
import { lShapedTrack } from '../domain/test-routes.js';
import type { RealismOptions } from '../domain/realism.js';
import { distanceM, encodePosition, parsePositionMessage } from '@fleetman/contract';
import { ReplayLoop } from './replay-loop.js';

// Fake timers and a fake Date: the loop sees exactly the time the test moves, so what it sends
// depends on that time alone, never on how busy the machine is.
const START = Date.parse('2026-03-01T08:00:00Z');
const logger = createLogger({ service: 'test', level: 'silent' });

/** Lets the loop run whatever the last tick made due (promises and real setImmediate). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Moves the fake clock `ms` forward in steps, letting the loop work after each one. */
async function advance(ms: number, stepMs = 10): Promise<void> {
  for (let passed = 0; passed < ms; passed += stepMs) {
    mock.timers.tick(stepMs);
    await settle();
  }
}

const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A fleet on a clock that fast-forwards for an hour (from SPEEDUP − 1 hours ago) at `speedup`. */
function setup(
  vehicles: number,
  intervalMs: number,
  speedup = 1,
  realism: Partial<RealismOptions> = {},
) {
  const clock = SimClock.fastForward(speedup, START, 3_600_000);
  const options = {
    routes: [new Route('L', lShapedTrack())],
    vehicles,
    fixIntervalMs: intervalMs,
    seed: 3,
    start: new Date(clock.simulatedAt(START)),
    realism,
  };
  return {
    simulation: new FleetSimulation(options),
    /** The same fleet, to count what was due by a given simulated time. */
    reference: () => new FleetSimulation(options),
    clock,
  };
}

describe('ReplayLoop', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: START }));
  afterEach(() => mock.timers.reset());

  it('publishes the fixes due by now, stamped on the simulated clock, never in the future', async () => {
    const { simulation, reference, clock } = setup(5, 100, 10);
    const sent: SimulatedFix[] = [];
    const loop = new ReplayLoop(
      { simulation, clock, publish: async (fix) => void sent.push(fix), concurrency: 8, logger },
      100,
    );
    loop.start();
    await advance(500);
    const now = Date.now();
    const stopping = loop.stop();
    await advance(100);
    await stopping;
    // 5 vehicles × one fix per 100 simulated ms × speedup 10: about 250 in 0.5 s. The loop
    // sleeps at least 50 ms between rounds, so it may trail by that much, never lead.
    const dueBy = (wallMs: number) => reference().advanceTo(clock.simulatedAt(wallMs)).length;
    assert.ok(sent.length <= dueBy(now), `${sent.length} sent, ${dueBy(now)} due`);
    assert.ok(sent.length >= dueBy(now - 60), `${sent.length} sent, ${dueBy(now - 60)} due`);
    assert.ok(sent.length > 200);
    assert.ok(
      sent.every((f) => f.time.getTime() >= clock.simulatedAt(START) && f.time.getTime() <= now),
      'never in the future',
    );
  });

  it('speeds and stop durations are true at any SPEEDUP: 10× sends what 1× sends, ten times as fast', async () => {
    const run = async (speedup: number, wallMs: number) => {
      const { simulation, clock } = setup(3, 1000, speedup, {
        noiseM: 2,
        stopProbability: 0.005,
      });
      const sent: SimulatedFix[] = [];
      const loop = new ReplayLoop(
        { simulation, clock, publish: async (fix) => void sent.push(fix), concurrency: 8, logger },
        1000,
      );
      loop.start();
      await advance(wallMs, 50);
      const stopping = loop.stop();
      await advance(100);
      await stopping;
      assert.ok(
        sent.every((fix) => fix.time.getTime() <= Date.now()),
        `${speedup}×: never dated in the future`,
      );
      const simStart = clock.simulatedAt(START);
      return sent.filter((fix) => fix.time.getTime() - simStart < 590_000);
    };
    // Ten simulated minutes each: 1 real minute at 10×, 10 at 1×.
    const fast = await run(10, 60_000);
    mock.timers.reset();
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: START });
    const real = await run(1, 600_000);

    assert.ok(real.length > 1500, `${real.length} fixes`);
    assert.equal(fast.length, real.length);
    // Same fixes relative to their start: the same speeds, gaps and stops.
    const relative = (fixes: SimulatedFix[]) => {
      const t0 = Math.min(...fixes.map((f) => f.time.getTime()));
      return fixes.map((f) => ({ ...f, time: f.time.getTime() - t0 }));
    };
    assert.deepEqual(relative(fast), relative(real));
    // And they are true: reported speeds agree with distance over fix time, none over-speed.
    for (const fixes of [fast, real]) {
      for (const fix of fixes) {
        const parsed = parsePositionMessage(encodePosition(fix));
        assert.ok(parsed.ok, parsed.ok ? '' : `rejected: ${parsed.reason} ${parsed.detail}`);
      }
      const ofOne = fixes.filter((f) => f.vehicle === fixes[0]!.vehicle);
      const implied = ofOne
        .slice(1)
        .map(
          (f, i) =>
            distanceM(ofOne[i]!, f) / ((f.time.getTime() - ofOne[i]!.time.getTime()) / 1000),
        );
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      const reported = mean(ofOne.map((f) => f.speed));
      assert.ok(reported > 3 && reported < 25, `mean reported speed ${reported} m/s`);
      assert.ok(Math.abs(mean(implied) - reported) < 2, `implied ${mean(implied)} vs ${reported}`);
      assert.ok(Math.max(...ofOne.map((f) => f.speed)) < 30, 'no 200 km/h trucks');
      assert.ok(
        ofOne.some((f) => f.speed === 0),
        'it stopped at least once',
      );
    }
  });

  it('waits for confirmations instead of buffering when the broker is slow', async () => {
    const { simulation, clock } = setup(50, 100);
    const pending: Array<() => void> = [];
    const lags: number[] = [];
    const loop = new ReplayLoop(
      {
        simulation,
        clock,
        publish: () => new Promise<void>((resolve) => pending.push(resolve)),
        concurrency: 4,
        logger,
        onLag: (ms) => lags.push(ms),
      },
      100,
    );
    loop.start();
    await advance(400);
    assert.equal(pending.length, 4, 'no more sends than the concurrency limit');
    assert.ok(simulation.clock.getTime() - START <= 100, 'the simulation waits: one round at most');
    for (let i = 0; i < 40; i++) {
      pending.splice(0).forEach((confirm) => confirm());
      await advance(5, 5);
    }
    assert.ok(
      lags.some((lag) => lag > 200),
      `lag reported: ${Math.max(...lags)} ms`,
    );
    const stopped = loop.stop();
    let done = false;
    void stopped.then(() => (done = true));
    while (!done) {
      pending.splice(0).forEach((confirm) => confirm());
      await advance(10);
    }
  });

  it('reports failed sends and keeps going', async () => {
    const { simulation, clock } = setup(3, 50);
    const failures: unknown[] = [];
    let attempts = 0;
    const loop = new ReplayLoop(
      {
        simulation,
        clock,
        publish: async () => {
          attempts++;
          throw new Error('broker said no');
        },
        concurrency: 2,
        logger,
        onPublishFailed: (error) => failures.push(error),
      },
      50,
    );
    loop.start();
    await advance(300);
    const stopping = loop.stop();
    await advance(100);
    await stopping;
    assert.ok(attempts > 6, `${attempts} attempts`);
    assert.equal(failures.length, attempts);
    assert.match(String(failures[0]), /broker said no/);
  });

  it('stop() waits for sends already started', async () => {
    const { simulation, clock } = setup(1, 50);
    let confirmed = 0;
    const loop = new ReplayLoop(
      {
        simulation,
        clock,
        publish: async () => {
          await later(100);
          confirmed++;
        },
        concurrency: 1,
        logger,
      },
      50,
    );
    loop.start();
    await advance(20);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await settle();
    assert.equal(stopped, false, 'a send is still unconfirmed');
    await advance(100);
    await stopping;
    assert.equal(confirmed, 1);
  });
});

describe('ReplayLoop when far behind', () => {
  it(
    'yields to the event loop between rounds while catching up with an instant broker',
    { timeout: 20_000 },
    async () => {
      // A frozen wall clock and a simulation that started 1 s (1,000 s simulated) ago: 10,000
      // rounds to catch up. A loop that only awaited microtasks would never let this macrotask run.
      const vehicles = 20;
      const simulation = new FleetSimulation({
        routes: [new Route('L', lShapedTrack())],
        vehicles,
        fixIntervalMs: 100,
        seed: 3,
        start: new Date(START - 1_000_000),
      });
      const behind = new SimClock(1000, START - 1000, START - 1_000_000);
      let sent = 0;
      const loop = new ReplayLoop(
        {
          simulation,
          clock: behind,
          publish: async () => void sent++,
          concurrency: 64,
          logger,
          now: () => START,
        },
        100,
      );
      loop.start();
      const sentWhenYielded = await new Promise<number>((resolve) =>
        setImmediate(() => resolve(sent)),
      );
      await loop.stop();
      const dueInAll = vehicles * (1_000_000 / 100);
      assert.ok(sentWhenYielded > 0, 'the loop was working');
      assert.ok(sentWhenYielded <= 2 * vehicles, `yielded after ${sentWhenYielded} of ${dueInAll}`);
    },
  );
});
