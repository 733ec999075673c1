import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distanceM, kmhToMs, msToKmh } from './geo.js';
import { cornerSpeedMs, Route } from './route.js';
import { lShapedTrack } from './test-routes.js';

describe('Route', () => {
  const route = new Route('L', lShapedTrack(500, 50));

  it('measures the track and interpolates positions and headings along it', () => {
    assert.ok(Math.abs(route.length - 1000) < 0.5, `${route.length}`);
    const east = route.positionAt(250, 1);
    assert.ok(Math.abs(east.heading - 90) < 0.5);
    assert.equal(Math.round(route.positionAt(750, -1).heading), 180);
    assert.ok(Math.abs(distanceM(route.positionAt(0, 1), east) - 250) < 0.5);
  });

  it('slows for the corner, and only near it', () => {
    assert.equal(
      Math.round(msToKmh(route.cruiseSpeedAt(200))),
      40,
      'untimed tracks cruise at 40 km/h',
    );
    assert.equal(
      route.bendLimitAt(200, 1, 160, 2),
      Number.POSITIVE_INFINITY,
      'nothing to slow for',
    );
    const atCorner = route.bendLimitAt(499.5, 1, 160, 2);
    assert.ok(msToKmh(atCorner) < 25, `${msToKmh(atCorner)} km/h at a right angle`);
    assert.ok(route.bendLimitAt(450, 1, 160, 2) > atCorner, 'braking distance before the corner');
    assert.ok(
      Math.abs(route.bendLimitAt(505, 1, 160, 2) - cornerSpeedMs(90)) < 0.05,
      'still turning just past it',
    );
    assert.equal(route.bendLimitAt(520, 1, 160, 2), Number.POSITIVE_INFINITY, 'then free again');
    assert.ok(route.bendLimitAt(999, 1, 160, 2) < kmhToMs(10), 'stops at the end to turn around');
    assert.ok(route.bendLimitAt(1, -1, 160, 2) < kmhToMs(10), 'and at the start when driving back');
  });

  it('reads segment speeds from track times, clamped to plausible road speeds', () => {
    const points = lShapedTrack(500, 250).map((p, i) => ({ ...p, time: new Date(i * 10_000) }));
    points[2]!.time = new Date(10_001); // 250 m in 1 ms: a bad time, clamped to the maximum
    const timed = new Route('timed', points);
    assert.equal(Math.round(msToKmh(timed.cruiseSpeedAt(100))), 90); // 250 m / 10 s
    assert.equal(Math.round(msToKmh(timed.cruiseSpeedAt(300))), 90);
    assert.equal(Math.round(msToKmh(timed.cruiseSpeedAt(600))), 45); // 250 m / 20 s
  });

  it('rejects a track without two distinct points', () => {
    assert.throws(
      () =>
        new Route('dot', [
          { lat: 1, lng: 2 },
          { lat: 1, lng: 2 },
        ]),
      /"dot" has fewer than 2 distinct points/,
    );
  });
});

describe('cornerSpeedMs', () => {
  it('takes gentle bends at cruise speed and slows more the sharper the turn', () => {
    assert.equal(cornerSpeedMs(10), Number.POSITIVE_INFINITY);
    const speeds = [30, 45, 90, 135, 180].map((deg) => msToKmh(cornerSpeedMs(deg)));
    for (let i = 1; i < speeds.length; i++) assert.ok(speeds[i]! < speeds[i - 1]!);
    assert.ok(speeds[2]! > 15 && speeds[2]! < 25, `${speeds[2]} km/h for 90°`);
    assert.ok(speeds[4]! <= 5.01);
  });
});
