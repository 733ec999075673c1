import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryVehicles } from './vehicle-query.js';
import { VEHICLE_STATUSES, type Vehicle } from './vehicle.js';

const vehicle = (
  id: string,
  name: string,
  speed: number,
  lastSeen: string,
  status: Vehicle['status'],
) =>
  ({
    id,
    name,
    lat: 0,
    lng: 0,
    time: lastSeen,
    speed,
    heading: 0,
    status,
    lastSeen,
  }) satisfies Vehicle;

const fleet = [
  vehicle('v10', 'Truck 10', 5, '2024-01-01T00:00:03Z', 'moving'),
  vehicle('v2', 'Truck 2', 20, '2024-01-01T00:00:01Z', 'moving'),
  vehicle('v3', 'Van 3', 0, '2024-01-01T00:00:02Z', 'parked'),
];
const all = new Set(VEHICLE_STATUSES);

const NOW = Date.parse('2024-01-01T00:00:05Z');

test('sorts names naturally and speed fastest first', () => {
  const ids = (sort: 'name' | 'speed') =>
    queryVehicles(fleet, { search: '', statuses: all, sort, nowMs: NOW }).map((v) => v.id);
  assert.deepEqual(ids('name'), ['v2', 'v10', 'v3']);
  assert.deepEqual(ids('speed'), ['v2', 'v10', 'v3']);
});

test('"last seen" puts the longest silent first and keeps fresh vehicles in name order', () => {
  const ids = (vehicles: Vehicle[]) =>
    queryVehicles(vehicles, { search: '', statuses: all, sort: 'lastSeen', nowMs: NOW }).map(
      (v) => v.id,
    );
  // All three reported within the last few seconds: name order, whoever reported last.
  assert.deepEqual(ids(fleet), ['v2', 'v10', 'v3']);
  const stale = vehicle('v9', 'Truck 9', 0, '2023-12-31T23:00:00Z', 'offline');
  const quiet = vehicle('v8', 'Truck 8', 0, '2023-12-31T23:55:00Z', 'parked');
  assert.deepEqual(ids([...fleet, quiet, stale]), ['v9', 'v8', 'v2', 'v10', 'v3']);
  // A new fix a second later does not reorder the fresh ones.
  const later = fleet.map((v, i) => ({ ...v, lastSeen: `2024-01-01T00:00:0${4 - i}Z` }));
  assert.deepEqual(ids(later), ['v2', 'v10', 'v3']);
});

test('searches name or id, case-insensitively, and filters by status', () => {
  assert.deepEqual(
    queryVehicles(fleet, { search: ' TRUCK ', statuses: all, sort: 'name' }).map((v) => v.id),
    ['v2', 'v10'],
  );
  assert.deepEqual(
    queryVehicles(fleet, { search: 'v3', statuses: all, sort: 'name' }).map((v) => v.id),
    ['v3'],
  );
  assert.deepEqual(
    queryVehicles(fleet, { search: '', statuses: new Set(['parked']), sort: 'name' }).map(
      (v) => v.id,
    ),
    ['v3'],
  );
});
