import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tripFigures, MIN_STOP_MS } from './trip.js';
import type { HistoryPoint } from './vehicle.js';

const at = (second: number, lat: number, speed: number): HistoryPoint => ({
  lat,
  lng: 0,
  time: new Date(Date.UTC(2024, 0, 1) + second * 1000).toISOString(),
  speed,
  heading: 0,
});

// 0.001° of latitude ≈ 111.2 m
const drive = [at(0, 0, 11), at(10, 0.001, 11), at(20, 0.002, 11)];
const parkedFor5Min = [at(20, 0.002, 0), at(320, 0.002, 0)];
const driveOn = [at(330, 0.003, 12)];

test('distance, moving time, max and average speed ignore the standstill', () => {
  const figures = tripFigures([...drive, ...parkedFor5Min, ...driveOn]);
  assert.ok(Math.abs(figures.distanceMetres - 333.6) < 1, `distance ${figures.distanceMetres}`);
  assert.equal(figures.movingMs, 30_000);
  assert.equal(figures.maxSpeed, 12);
  assert.ok(Math.abs(figures.averageMovingSpeed - 11.12) < 0.05);
});

test('a standstill of at least MIN_STOP_MS becomes a stop with its duration', () => {
  const { stops } = tripFigures([...drive, ...parkedFor5Min, ...driveOn]);
  assert.equal(stops.length, 1);
  assert.equal(stops[0]!.durationMs, 310_000);
  assert.equal(stops[0]!.lat, 0.002);
});

test('short halts are not stops, and an empty range gives zeros', () => {
  const halt = [
    at(0, 0, 0),
    at(MIN_STOP_MS / 1000 - 10, 0, 0),
    at(MIN_STOP_MS / 1000 - 1, 0.001, 10),
  ];
  assert.deepEqual(tripFigures(halt).stops, []);
  assert.deepEqual(tripFigures([]), {
    distanceMetres: 0,
    movingMs: 0,
    maxSpeed: 0,
    averageMovingSpeed: 0,
    stops: [],
  });
});
