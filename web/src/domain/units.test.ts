import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatHeading, formatSpeed } from './units.js';
import { opacityForAge, FADE_AFTER_MS } from './status-style.js';
import { parseVehicle } from './vehicle.js';

test('speed in km/h, mph and knots', () => {
  assert.equal(formatSpeed(10, 'kmh'), '36 km/h');
  assert.equal(formatSpeed(10, 'mph'), '22 mph');
  assert.equal(formatSpeed(10, 'kn'), '19 kn');
});

test('durations read like "parked 23 min"', () => {
  assert.equal(formatDuration(2000), 'just now');
  assert.equal(formatDuration(42_000), '42 s');
  assert.equal(formatDuration(23 * 60_000 + 5000), '23 min');
  assert.equal(formatDuration(185 * 60_000), '3 h 5 min');
  assert.equal(formatDuration(50 * 3_600_000), '2 d 2 h');
});

test('heading shows degrees and compass point, normalised', () => {
  assert.equal(formatHeading(-90), '270° W');
  assert.equal(formatHeading(44), '44° NE');
});

test('markers fade with the age of their data', () => {
  assert.equal(opacityForAge(0), 1);
  assert.equal(opacityForAge(FADE_AFTER_MS * 2), 0.35);
  const middle = opacityForAge(FADE_AFTER_MS / 2);
  assert.ok(middle < 1 && middle > 0.35);
});

test('parseVehicle rejects bad coordinates and defaults the optional fields', () => {
  assert.equal(parseVehicle({ id: 'a', lat: 91, lng: 0 }), undefined);
  assert.equal(parseVehicle({ id: 'a', lat: 'x', lng: 0 }), undefined);
  assert.equal(parseVehicle(null), undefined);
  const parsed = parseVehicle({
    id: 'a',
    lat: 1,
    lng: 2,
    time: '2024-01-01T00:00:00Z',
    status: 'weird',
  });
  assert.equal(parsed?.name, 'a');
  assert.equal(parsed?.status, 'moving');
  assert.equal(parsed?.lastSeen, '2024-01-01T00:00:00Z');
});
