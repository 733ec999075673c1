import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@fleetman/service-kit';
import { Route } from '../domain/route.js';
import { SimClock } from '../domain/sim-clock.js';
import { FleetSimulation, type SimulatedFix } from '../domain/simulation.js';
import { lShapedTrack } from '../domain/test-routes.js';
import { ReplayLoop } from './replay-loop.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function setup(vehicles: number, intervalMs: number, speedup = 1) {
  const start = Date.now();
  const simulation = new FleetSimulation({
    routes: [new Route('L', lShapedTrack())],
    vehicles,
    fixIntervalMs: intervalMs,
    seed: 3,
    start: new Date(start),
  });
  return { simulation, clock: new SimClock(speedup, start), start };
}

describe('ReplayLoop', () => {
  it('publishes fixes in real time, stamped on the wall clock', async () => {
    const { simulation, clock, start } = setup(5, 100, 10);
    const sent: SimulatedFix[] = [];
    const loop = new ReplayLoop(
      { simulation, clock, publish: async (fix) => void sent.push(fix), concurrency: 8, logger },
      100,
    );
    loop.start();
    await sleep(500);
    await loop.stop();
    // 5 vehicles × one fix per 100 simulated ms × speedup 10 ≈ 500 fixes per real second.
    assert.ok(sent.length > 150 && sent.length < 300, `${sent.length} fixes in 0.5 s`);
    const stopAt = Date.now();
    assert.ok(
      sent.every((f) => f.time.getTime() >= start && f.time.getTime() <= stopAt),
      'never in the future',
    );
  });

  it('waits for confirmations instead of buffering when the broker is slow', async () => {
    const { simulation, clock, start } = setup(50, 100);
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
    await sleep(400);
    assert.equal(pending.length, 4, 'no more sends than the concurrency limit');
    assert.ok(simulation.clock.getTime() - start <= 100, 'the simulation waits: one round at most');
    for (let i = 0; i < 40; i++) {
      pending.splice(0).forEach((confirm) => confirm());
      await sleep(5);
    }
    assert.ok(
      lags.some((lag) => lag > 200),
      `lag reported: ${Math.max(...lags)} ms`,
    );
    const stopped = loop.stop();
    pending.splice(0).forEach((confirm) => confirm());
    const interval = setInterval(() => pending.splice(0).forEach((confirm) => confirm()), 1);
    await stopped;
    clearInterval(interval);
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
    await sleep(300);
    await loop.stop();
    assert.ok(attempts > 6);
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
          await sleep(100);
          confirmed++;
        },
        concurrency: 1,
        logger,
      },
      50,
    );
    loop.start();
    await sleep(20);
    await loop.stop();
    assert.equal(confirmed, 1);
  });
});

describe('ReplayLoop when far behind', () => {
  it(
    'keeps the event loop responsive while catching up with an instant broker',
    { timeout: 10_000 },
    async () => {
      const { simulation, clock } = setup(2000, 100, 1000);
      let sent = 0;
      const loop = new ReplayLoop(
        { simulation, clock, publish: async () => void sent++, concurrency: 64, logger },
        100,
      );
      loop.start();
      const asked = Date.now();
      await sleep(100); // a timer firing at all proves the loop yields
      const late = Date.now() - asked - 100;
      await loop.stop();
      assert.ok(late < 100, `timer fired ${late} ms late`);
      assert.ok(sent > 1000, `${sent} sent`);
    },
  );
});
