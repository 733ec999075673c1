import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBackoff } from './backoff.js';

describe('createBackoff', () => {
  it('doubles up to the cap, jitter keeping each delay within [ceiling/2, ceiling]', () => {
    const low = createBackoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    const high = createBackoff({ initialMs: 100, maxMs: 1000, random: () => 0.999999 });
    const lows = Array.from({ length: 7 }, () => low.next());
    const highs = Array.from({ length: 7 }, () => high.next());
    assert.deepEqual(lows, [50, 100, 200, 400, 500, 500, 500]);
    assert.deepEqual(highs, [100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('starts over after reset()', () => {
    const backoff = createBackoff({ initialMs: 100, maxMs: 5000, random: () => 0 });
    backoff.next();
    backoff.next();
    backoff.next();
    backoff.reset();
    assert.equal(backoff.next(), 50);
  });

  it('never overflows however many attempts fail', () => {
    const backoff = createBackoff({ initialMs: 100, maxMs: 5000, random: () => 0.5 });
    for (let i = 0; i < 5000; i++) backoff.next();
    assert.equal(backoff.next(), 3750);
  });

  it('rejects nonsensical settings', () => {
    assert.throws(() => createBackoff({ initialMs: 0 }), /initialMs/);
    assert.throws(() => createBackoff({ initialMs: 500, maxMs: 100 }), /initialMs/);
  });
});
