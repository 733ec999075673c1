import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayClock, poseAtTime, MAX_RATE } from './replay-clock.js';

test('plays time-true at the chosen rate and stops at the end', () => {
  const clock = new ReplayClock(0, 60_000);
  clock.setRate(30, 0);
  clock.play(1000);
  assert.equal(clock.tick(1500), 15_000);
  assert.equal(clock.tick(3000), 60_000);
  assert.equal(clock.playing, false);
  assert.equal(clock.ended, true);
});

test('pause holds the position; seek is clamped; play after the end restarts', () => {
  const clock = new ReplayClock(0, 10_000);
  clock.setRate(2, 0);
  clock.play(0);
  clock.pause(1000);
  assert.equal(clock.tick(5000), 2000);
  clock.seek(99_000, 5000);
  assert.equal(clock.tick(6000), 10_000);
  clock.play(6000);
  assert.equal(clock.tick(6000), 0);
});

test('the rate is kept within 1–60×', () => {
  const clock = new ReplayClock(0, 1);
  clock.setRate(500, 0);
  assert.equal(clock.rate, MAX_RATE);
  clock.setRate(0, 0);
  assert.equal(clock.rate, 1);
});

test('poseAtTime interpolates between the fixes around a time', () => {
  const points = [
    { lat: 0, lng: 0, time: '2024-01-01T00:00:00Z', speed: 1, heading: 0 },
    { lat: 2, lng: 4, time: '2024-01-01T00:00:10Z', speed: 1, heading: 90 },
  ];
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  assert.deepEqual(poseAtTime(points, t0 + 5000), { lat: 1, lng: 2, heading: 45 });
  assert.deepEqual(poseAtTime(points, t0 - 1), { lat: 0, lng: 0, heading: 0 });
  assert.deepEqual(poseAtTime(points, t0 + 99_000), { lat: 2, lng: 4, heading: 90 });
  assert.equal(poseAtTime([], t0), undefined);
});
