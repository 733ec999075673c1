import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type PositionFix } from '@fleetman/contract';
import { createLogger, createRegistry } from '@fleetman/service-kit';
import { MemoryStore } from '../data/memory-store.js';
import type { PositionRecord } from '../data/position-store.js';
import { LiveFeed } from '../live/live-feed.js';
import { Ingestor } from './ingestor.js';
import { createTrackerMetrics } from './tracker-metrics.js';

/** A store whose writes fail while `down` is set: the database outage, at unit scale. */
class FlakyStore extends MemoryStore {
  down = false;
  attempts = 0;
  override async insertPositions(records: PositionRecord[]): Promise<boolean[]> {
    this.attempts++;
    if (this.down) throw new Error('database unreachable');
    return super.insertPositions(records);
  }
}

const T0 = Date.now() - 60_000;
const fix = (second: number, north = second * 10): PositionFix => ({
  vehicle: 'v',
  name: 'V',
  lat: 57.7 + north / 111_337.9,
  lng: 11.97,
  time: new Date(T0 + second * 1000),
});

/** Waits until `condition` holds: what the test asserts is the state, never how long it took. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

function setup(store = new FlakyStore()) {
  const feed = new LiveFeed(100);
  const metrics = createTrackerMetrics(createRegistry(), () => ingestor.vehicles.size);
  const ingestor = new Ingestor({
    store,
    feed,
    metrics,
    logger: createLogger({ service: 't', level: 'silent' }),
    batchSize: 3,
    maxWaitMs: 5,
    checkpointMs: 50,
  });
  return { store, feed, ingestor };
}

test('fixes are stored in batches and published in fix-time order per vehicle', async () => {
  const { store, feed, ingestor } = setup();
  const seen: number[] = [];
  feed.subscribe((event) =>
    seen.push(Date.parse((JSON.parse(event.data) as { time: string }).time)),
  );
  // Submitted out of order within one batch.
  await Promise.all([ingestor.submit(fix(2)), ingestor.submit(fix(0)), ingestor.submit(fix(1))]);
  assert.deepEqual(
    seen,
    [fix(0), fix(1), fix(2)].map((f) => f.time.getTime()),
  );
  assert.equal((await store.history('v', { limit: 10 })).length, 3);
  assert.ok((ingestor.vehicles.get('v')?.speed ?? 0) > 0);
});

test('while the store is down submits stay pending (no ack), and complete once it is back', async () => {
  const { store, ingestor } = setup();
  store.down = true;
  let settled = false;
  const pending = ingestor.submit(fix(0)).then(() => (settled = true));
  await until(() => store.attempts >= 3);
  assert.equal(settled, false, 'not acknowledged while the database is down (retried twice)');
  store.down = false;
  await pending;
  assert.equal((await store.history('v', { limit: 10 })).length, 1);
});

test('stop() during an outage rejects pending submits so the broker redelivers them', async () => {
  const { store, ingestor } = setup();
  store.down = true;
  const pending = ingestor.submit(fix(0));
  await until(() => store.attempts >= 1);
  await ingestor.stop();
  await assert.rejects(pending, /database unreachable/);
  await assert.rejects(ingestor.submit(fix(1)), /ingest stopped/);
});

test('load() rebuilds the hot map from the store', async () => {
  const first = setup();
  await first.ingestor.submit(fix(0));
  await first.ingestor.stop(); // saves the last states
  const second = setup(first.store);
  await second.ingestor.load();
  assert.equal(second.ingestor.vehicles.get('v')?.time.getTime(), fix(0).time.getTime());
});

test('latest states are saved off the acknowledgement path, and a failed save is retried', async () => {
  const store = new (class extends FlakyStore {
    saves = 0;
    failSaves = true;
    override async saveVehicles(states: Parameters<MemoryStore['saveVehicles']>[0]): Promise<void> {
      this.saves++;
      if (this.failSaves) throw new Error('database unreachable');
      return super.saveVehicles(states);
    }
  })();
  const { ingestor } = setup(store);
  await ingestor.submit(fix(0)); // acknowledged although saving states fails
  assert.equal((await store.loadVehicles()).length, 0);
  await until(() => store.saves >= 1); // a checkpoint was attempted, and failed
  assert.equal((await store.loadVehicles()).length, 0);
  store.failSaves = false;
  await until(async () => (await store.loadVehicles()).length === 1);
  assert.equal((await store.loadVehicles())[0]?.time.getTime(), fix(0).time.getTime());
  await ingestor.stop();
});
