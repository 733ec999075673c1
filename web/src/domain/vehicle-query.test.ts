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

test('sorts names naturally, speed fastest first, last seen newest first', () => {
  const ids = (sort: 'name' | 'speed' | 'lastSeen') =>
    queryVehicles(fleet, { search: '', statuses: all, sort }).map((v) => v.id);
  assert.deepEqual(ids('name'), ['v2', 'v10', 'v3']);
  assert.deepEqual(ids('speed'), ['v2', 'v10', 'v3']);
  assert.deepEqual(ids('lastSeen'), ['v10', 'v3', 'v2']);
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
