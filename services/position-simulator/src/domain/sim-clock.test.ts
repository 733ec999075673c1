import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimClock } from './sim-clock.js';

const HOUR = 3_600_000;

describe('SimClock', () => {
  it('runs simulated time SPEEDUP times faster than the wall clock from its start', () => {
    const clock = new SimClock(10, 1_000_000, 0);
    assert.equal(clock.simulatedAt(1_000_000), 0);
    assert.equal(clock.simulatedAt(1_001_000), 10_000);
    assert.equal(clock.wallAt(10_000), 1_001_000);
    const slow = new SimClock(0.5, 0);
    assert.equal(slow.simulatedAt(2000), 1000);
  });

  it('fast-forwards from the past, reaches the present after `for`, then runs at real time', () => {
    const now = Date.parse('2026-03-01T08:00:00Z');
    const clock = SimClock.fastForward(10, now, HOUR);
    assert.equal(clock.simulatedAt(now), now - 9 * HOUR);
    assert.equal(clock.simulatedAt(now + HOUR / 2), now - 4 * HOUR);
    assert.equal(clock.simulatedAt(now + HOUR), now + HOUR, 'caught up with the wall clock');
    assert.equal(clock.simulatedAt(now + 2 * HOUR), now + 2 * HOUR, 'real time from then on');
    assert.equal(clock.wallAt(now - 4 * HOUR), now + HOUR / 2);
    assert.equal(clock.wallAt(now + HOUR), now + HOUR);
    for (let wall = now; wall < now + 3 * HOUR; wall += 60_000)
      assert.ok(clock.simulatedAt(wall) <= wall, 'never ahead of the wall clock');
  });

  it('starts now at SPEEDUP 1 or slower', () => {
    assert.equal(SimClock.fastForward(1, 5_000, HOUR).simulatedAt(5_000), 5_000);
    assert.equal(SimClock.fastForward(0.5, 5_000, HOUR).simulatedAt(7_000), 6_000);
  });

  it('rejects a non-positive speedup', () => {
    assert.throws(() => new SimClock(0, 0), /speedup must be positive/);
  });
});
