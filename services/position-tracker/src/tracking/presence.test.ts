import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PositionFix } from '@fleetman/contract';
import { createLogger, createRegistry } from '@fleetman/service-kit';
import { MemoryStore } from '../data/memory-store.js';
import { advance, toView, type VehicleState } from '../domain/vehicle-state.js';
import { LiveFeed } from '../live/live-feed.js';
import { Ingestor } from './ingestor.js';
import { PresenceWatch, StatusTransitions, type StatusTransition } from './presence.js';
import { createTrackerMetrics } from './tracker-metrics.js';

const T0 = Date.parse('2026-03-01T08:00:00Z');
const fix = (second: number, north = second * 10): PositionFix => ({
  vehicle: 'v',
  name: 'V',
  lat: 57.7 + north / 111_337.9,
  lng: 11.97,
  time: new Date(T0 + second * 1000),
  speed: 10,
});

const movingVehicle = (): Map<string, VehicleState> => {
  const first = advance(undefined, fix(0), new Date(T0)).state;
  const state = advance(first, fix(1), new Date(T0)).state;
  return new Map([[state.id, state]]);
};

// Fake setInterval and Date: the watch sees exactly the time the test moves. Nothing reads the
// vehicles (no GET /vehicles): the timer alone must decide.
describe('PresenceWatch (fake timers)', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'Date'], now: T0 }));
  afterEach(() => mock.timers.reset());

  test('a silent vehicle is pushed offline by the timer once OFFLINE_AFTER has passed, once', () => {
    const vehicles = movingVehicle();
    const transitions = new StatusTransitions();
    const seen: StatusTransition[] = [];
    transitions.subscribe((t) => seen.push(t));
    const watch = new PresenceWatch({ vehicles, offlineAfterMs: 120_000, transitions }).start();

    mock.timers.tick(119_000);
    assert.equal(seen.length, 0, 'not before OFFLINE_AFTER');
    assert.equal(toView(vehicles.get('v')!).status, 'moving');

    mock.timers.tick(2_000);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.kind, 'offline');
    assert.equal(seen[0]?.previousStatus, 'moving');
    const view = toView(vehicles.get('v')!);
    assert.equal(view.status, 'offline');
    assert.equal(view.statusSince, new Date(T0).toISOString(), 'offline since the last contact');
    assert.equal(toView(seen[0]!.state).status, 'offline');

    mock.timers.tick(600_000);
    assert.equal(seen.length, 1, 'an offline vehicle is not reported again');
    watch.stop();
  });

  test('the watch stops', () => {
    const vehicles = movingVehicle();
    const transitions = new StatusTransitions();
    let count = 0;
    transitions.subscribe(() => count++);
    new PresenceWatch({ vehicles, offlineAfterMs: 1_000, transitions }).start().stop();
    mock.timers.tick(10_000);
    assert.equal(count, 0);
  });
});

function ingestorWith(vehicles: Map<string, VehicleState>, transitions: StatusTransitions) {
  const feed = new LiveFeed(100);
  const metrics = createTrackerMetrics(createRegistry(), () => ingestor.vehicles.size);
  const ingestor = new Ingestor({
    store: new MemoryStore(),
    feed,
    metrics,
    logger: createLogger({ service: 't', level: 'silent' }),
    maxWaitMs: 1,
    transitions,
  });
  for (const [id, state] of vehicles) ingestor.vehicles.set(id, { ...state, offline: true });
  return ingestor;
}

test('a fix from an offline vehicle brings it back online, as a transition', async () => {
  const transitions = new StatusTransitions();
  const seen: StatusTransition[] = [];
  transitions.subscribe((t) => seen.push(t));
  const ingestor = ingestorWith(movingVehicle(), transitions);
  await ingestor.submit(fix(400, 4000), new Date(T0 + 400_000));
  assert.deepEqual(
    seen.map((t) => [t.kind, t.previousStatus, toView(t.state).status]),
    [['online', 'offline', 'moving']],
  );
  assert.equal(toView(ingestor.vehicles.get('v')!).status, 'moving');
  await ingestor.stop();
});

test('a late (out-of-order) fix is contact too: back online without moving', async () => {
  const transitions = new StatusTransitions();
  const seen: StatusTransition[] = [];
  transitions.subscribe((t) => seen.push(t));
  const ingestor = ingestorWith(movingVehicle(), transitions);
  await ingestor.submit(fix(0), new Date(T0 + 400_000));
  assert.deepEqual(
    seen.map((t) => t.kind),
    ['online'],
  );
  const state = ingestor.vehicles.get('v')!;
  assert.equal(state.time.getTime(), T0 + 1000, 'the live position did not move back');
  assert.equal(toView(state).status, 'moving');
  await ingestor.stop();
});
