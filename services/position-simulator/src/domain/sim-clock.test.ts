import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onWallClock, SimClock } from './sim-clock.js';
import type { SimulatedFix } from './simulation.js';

describe('SimClock', () => {
  it('runs simulated time SPEEDUP times faster than the wall clock, from a common start', () => {
    const clock = new SimClock(10, 1_000_000);
    assert.equal(clock.simulatedAt(1_000_000), 1_000_000);
    assert.equal(clock.simulatedAt(1_001_000), 1_010_000);
    assert.equal(clock.wallAt(1_010_000), 1_001_000);
    const slow = new SimClock(0.5, 0);
    assert.equal(slow.simulatedAt(2000), 1000);
  });

  it('rejects a non-positive speedup', () => {
    assert.throws(() => new SimClock(0, 0), /speedup must be positive/);
  });
});

describe('onWallClock', () => {
  const fix: SimulatedFix = {
    vehicle: 'vehicle-0001',
    name: 'City Truck 1',
    lat: 57.7,
    lng: 11.9,
    time: new Date(60_000),
    speed: 10,
    heading: 90,
    accuracy: 4.5,
  };

  it('leaves fixes untouched at SPEEDUP=1', () => {
    assert.equal(onWallClock(fix, new SimClock(1, 0)), fix);
  });

  it('stamps fast-forwarded fixes with real time and real-time speed, never in the future', () => {
    const wire = onWallClock(fix, new SimClock(10, 0));
    assert.equal(wire.time.getTime(), 6_000); // simulated minute 1 is reached after 6 real seconds
    assert.equal(wire.speed, 100);
    assert.deepEqual({ ...wire, time: fix.time, speed: fix.speed }, fix);
  });
});
