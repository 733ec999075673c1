import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inverse } from './geodesy.js';

// Reference values from outside this code: Vincenty (1975)'s own worked example and GeographicLib
// (Karney) for the others, both on WGS-84 / the stated ellipsoid.
test("Flinders Peak → Buninyong (Vincenty's published example, WGS-84 per GeographicLib)", () => {
  const dms = (d: number, m: number, s: number) => d + m / 60 + s / 3600;
  const result = inverse(
    { lat: -dms(37, 57, 3.7203), lng: dms(144, 25, 29.5244) },
    { lat: -dms(37, 39, 10.1561), lng: dms(143, 55, 35.3839) },
  );
  assert.ok(Math.abs(result.distance - 54972.271) < 0.01, `distance ${result.distance}`);
  assert.ok(Math.abs(result.bearing - dms(306, 52, 5.37)) < 1 / 3600, `bearing ${result.bearing}`);
});

test('one degree of longitude on the equator is 111,319.491 m heading due east', () => {
  const result = inverse({ lat: 0, lng: 0 }, { lat: 0, lng: 1 });
  assert.ok(Math.abs(result.distance - 111_319.491) < 0.001, `distance ${result.distance}`);
  assert.equal(Math.round(result.bearing * 1e6) / 1e6, 90);
});

test('one degree of latitude from the equator is 110,574.389 m heading due north; the reverse is south', () => {
  const north = inverse({ lat: 0, lng: 0 }, { lat: 1, lng: 0 });
  assert.ok(Math.abs(north.distance - 110_574.389) < 0.001, `distance ${north.distance}`);
  assert.equal(north.bearing, 0);
  assert.equal(inverse({ lat: 1, lng: 0 }, { lat: 0, lng: 0 }).bearing, 180);
});

test('a short hop in Gothenburg: 100 m west is bearing 270', () => {
  // Closed form for the parallel's radius on WGS-84: a·cosφ / √(1 − e²·sin²φ); over 100 m the
  // geodesic and the parallel differ by far less than the tolerance.
  const phi = (57.7 * Math.PI) / 180;
  const metresPerDegree =
    ((Math.PI / 180) * 6_378_137 * Math.cos(phi)) /
    Math.sqrt(1 - 0.00669437999014 * Math.sin(phi) ** 2);
  const result = inverse(
    { lat: 57.7, lng: 11.97 },
    { lat: 57.7, lng: 11.97 - 100 / metresPerDegree },
  );
  assert.ok(Math.abs(result.distance - 100) < 0.05, `distance ${result.distance}`);
  assert.ok(Math.abs(result.bearing - 270) < 0.01, `bearing ${result.bearing}`);
});

test('coincident points: zero distance, no bearing', () => {
  const result = inverse({ lat: 57.7, lng: 11.97 }, { lat: 57.7, lng: 11.97 });
  assert.equal(result.distance, 0);
  assert.ok(Number.isNaN(result.bearing));
});
