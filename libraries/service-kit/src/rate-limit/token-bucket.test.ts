import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from './token-bucket.js';
import { RateLimiter } from './rate-limiter.js';

describe('TokenBucket', () => {
  it('allows a burst, then refuses with the time until the next token', () => {
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 3 }, 0);
    for (let i = 0; i < 3; i += 1) assert.deepEqual(bucket.take(0), { allowed: true });
    assert.deepEqual(bucket.take(0), { allowed: false, retryAfterMs: 500 });
    assert.deepEqual(bucket.take(250), { allowed: false, retryAfterMs: 250 });
    assert.deepEqual(bucket.take(500), { allowed: true });
  });

  it('refills continuously but never above the burst', () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 2 }, 0);
    bucket.take(0);
    bucket.take(0);
    assert.equal(bucket.isFull(100), false);
    assert.equal(bucket.isFull(10_000), true);
    assert.equal(bucket.take(10_000).allowed, true);
    assert.equal(bucket.take(10_000).allowed, true);
    assert.equal(bucket.take(10_000).allowed, false);
  });

  it('does not mint tokens when the clock goes backwards', () => {
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1 }, 1000);
    assert.equal(bucket.take(1000).allowed, true);
    assert.equal(bucket.take(0).allowed, false);
    assert.equal(bucket.take(1500).allowed, false);
    assert.equal(bucket.take(2000).allowed, true);
  });

  it('rejects nonsense options', () => {
    assert.throws(() => new TokenBucket({ ratePerSecond: 0, burst: 1 }, 0), /ratePerSecond/);
    assert.throws(() => new TokenBucket({ ratePerSecond: 1, burst: 0 }, 0), /burst/);
  });
});

describe('RateLimiter', () => {
  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 10 });
    assert.equal(limiter.take('a', 0).allowed, true);
    assert.equal(limiter.take('a', 0).allowed, false);
    assert.equal(limiter.take('b', 0).allowed, true);
  });

  it('forgets the least recently used key past maxKeys', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 2 });
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('a', 0); // a is now the most recent
    limiter.take('c', 0); // evicts b
    assert.equal(limiter.trackedKeys, 2);
    assert.equal(limiter.take('a', 0).allowed, false, 'a was kept');
    assert.equal(limiter.take('b', 0).allowed, true, 'b was forgotten, so starts full');
  });

  it('sweeps buckets that have refilled', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 2, maxKeys: 10 });
    limiter.take('a', 0);
    limiter.take('b', 900);
    limiter.sweep(1500);
    assert.equal(limiter.trackedKeys, 1, 'a refilled at 1000 ms, b not yet');
  });
});

describe('TokenBucket cost', () => {
  it('takes several tokens at once and never lets more than the burst through', () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 100 }, 0);
    assert.deepEqual(bucket.take(0, 60), { allowed: true });
    assert.deepEqual(bucket.take(0, 60), { allowed: false, retryAfterMs: 2000 });
    assert.deepEqual(bucket.take(2000, 60), { allowed: true });
    assert.deepEqual(bucket.take(1e9, 101), { allowed: false, retryAfterMs: Infinity });
  });
});
