import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distanceM } from './geo.js';

test('haversine: one degree of latitude, one of longitude at 60° N, and no move at all', () => {
  assert.ok(Math.abs(distanceM({ lat: 0, lng: 0 }, { lat: 1, lng: 0 }) - 111_195) < 1);
  assert.ok(Math.abs(distanceM({ lat: 60, lng: 0 }, { lat: 60, lng: 1 }) - 55_597) < 1);
  assert.equal(distanceM({ lat: 57.7, lng: 11.97 }, { lat: 57.7, lng: 11.97 }), 0);
});
