/**
 * The cost of the offline timer (tracking/presence.ts): one check() over a fleet, as it runs
 * every second. Prints figures; judges nothing.
 *   node --import tsx --conditions=development services/position-tracker/bench/presence.ts [vehicles]
 */
import { performance } from 'node:perf_hooks';
import { advance, type VehicleState } from '../src/domain/vehicle-state.js';
import { PresenceWatch, StatusTransitions } from '../src/tracking/presence.js';

const size = Number(process.argv[2] ?? 10_000);
const now = Date.now();
const fleet = (): Map<string, VehicleState> => {
  const vehicles = new Map<string, VehicleState>();
  for (let i = 0; i < size; i++) {
    const fix = { vehicle: `v${i}`, name: `V ${i}`, lat: 57.7, lng: 11.97, time: new Date(now) };
    const { state } = advance(undefined, fix, new Date(now));
    vehicles.set(state.id, state);
  }
  return vehicles;
};
const watchOver = (vehicles: Map<string, VehicleState>, transitions = new StatusTransitions()) =>
  new PresenceWatch({ vehicles, offlineAfterMs: 120_000, transitions });

const online = watchOver(fleet());
for (let i = 0; i < 50; i++) online.check(now + 1_000); // warm-up
const rounds = 200;
let started = performance.now();
for (let i = 0; i < rounds; i++) online.check(now + 1_000);
const perCheckMs = (performance.now() - started) / rounds;

const transitions = new StatusTransitions();
let events = 0;
transitions.subscribe(() => events++);
const dying = watchOver(fleet(), transitions);
started = performance.now();
dying.check(now + 200_000);
const allOfflineMs = performance.now() - started;

console.log(
  JSON.stringify({
    vehicles: size,
    checkAllOnlineMs: Number(perCheckMs.toFixed(3)),
    checkAllGoingOfflineMs: Number(allOfflineMs.toFixed(1)),
    transitions: events,
  }),
);
