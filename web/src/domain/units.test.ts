import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDistance, formatHeading, formatSpeed } from './units.js';
import { Formatter } from '../i18n/format.js';
import { opacityForAge, FADE_AFTER_MS } from './status-style.js';
import { parseVehicle } from './vehicle.js';

test('speed in km/h, mph and knots', () => {
  assert.equal(formatSpeed(10, 'kmh'), '36 km/h');
  assert.equal(formatSpeed(10, 'mph'), '22 mph');
  assert.equal(formatSpeed(10, 'kn'), '19 kn');
});

test('distance follows the speed unit: km, miles, nautical miles', () => {
  assert.equal(formatDistance(420, 'kmh'), '420 m');
  assert.equal(formatDistance(3400, 'kmh'), '3.4 km');
  assert.equal(formatDistance(100, 'mph'), '328 ft');
  assert.equal(formatDistance(3400, 'mph'), '2.1 mi');
  assert.equal(formatDistance(3704, 'kn'), '2.0 nmi');
  assert.equal(formatDistance(3400, 'kmh', 'fr'), '3,4 km');
});

test('durations read like "parked 23 min", in English and French', () => {
  const en = new Formatter('en', 'kmh');
  assert.equal(en.duration(2000), 'just now');
  assert.equal(en.duration(42_000), '42 s');
  assert.equal(en.duration(23 * 60_000 + 5000), '23 min');
  assert.equal(en.duration(185 * 60_000), '3 h 5 min');
  assert.equal(en.duration(50 * 3_600_000), '2 d 2 h');
  const fr = new Formatter('fr', 'kmh');
  assert.equal(fr.duration(50 * 3_600_000), '2 j 2 h');
});

test('"seen" ages never read "just now ago"', () => {
  const en = new Formatter('en', 'kmh');
  assert.equal(en.ago(1000), 'just now');
  assert.equal(en.ago(42_000), '42 s ago');
  const fr = new Formatter('fr', 'kmh');
  assert.equal(fr.ago(1000), 'à l’instant');
  assert.equal(fr.ago(42_000), 'il y a 42 s');
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
