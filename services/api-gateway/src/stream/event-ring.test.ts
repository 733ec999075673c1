import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventRing, type RingEvent } from './event-ring.js';

const ids = (result: ReturnType<EventRing<RingEvent>['since']>) =>
  result.kind === 'replay' ? result.events.map((event) => event.id) : result.kind;

function ringWith(eventIds: number[], options = { maxEvents: 5, maxAgeMs: 60_000 }) {
  const ring = new EventRing<RingEvent>(options);
  for (const id of eventIds) ring.push({ id, receivedAt: id }, true);
  return ring;
}

describe('EventRing', () => {
  it('replays exactly the events after the given id', () => {
    const ring = ringWith([10, 11, 12, 13]);
    assert.deepEqual(ids(ring.since(11, 0)), [12, 13]);
    assert.deepEqual(ids(ring.since(13, 0)), []);
    assert.deepEqual(ids(ring.since(9, 0)), [10, 11, 12, 13]);
  });

  it('works with ids that are not contiguous', () => {
    const ring = ringWith([10, 20, 35]);
    assert.deepEqual(ids(ring.since(15, 0)), [20, 35]);
    assert.equal(ids(ring.since(1000, 0)), 'gap', 'an id from the future is not ours');
  });

  it('is a gap when the client is older than the first event we ever saw', () => {
    const ring = ringWith([10, 11]);
    assert.equal(ids(ring.since(8, 0)), 'gap');
    assert.equal(ids(new EventRing<RingEvent>({ maxEvents: 3, maxAgeMs: 1 }).since(1, 0)), 'gap');
  });

  it('keeps at most maxEvents and reports evicted ones as a gap', () => {
    const ring = ringWith([1, 2, 3, 4, 5, 6, 7]);
    assert.equal(ring.size, 5);
    assert.deepEqual(ids(ring.since(2, 0)), [3, 4, 5, 6, 7]);
    assert.equal(ids(ring.since(1, 0)), 'gap');
    assert.equal(ring.lastId, 7);
  });

  it('evicts events older than maxAgeMs', () => {
    const ring = ringWith([100, 200, 300], { maxEvents: 10, maxAgeMs: 150 });
    assert.deepEqual(ids(ring.since(200, 360)), [300]);
    assert.equal(
      ids(ring.since(100, 360)),
      'gap',
      'events 100 and 200 are gone: a resume from 100 misses 200',
    );
    ring.evictExpired(10_000);
    assert.equal(ring.size, 0);
    assert.equal(ring.lastId, 300, 'the sequence position survives an empty ring');
    assert.deepEqual(ids(ring.since(300, 10_000)), []);
  });

  it('restartAt drops the window and covers only what follows', () => {
    const ring = ringWith([1, 2, 3]);
    ring.restartAt(10);
    assert.equal(ring.size, 0);
    assert.equal(ring.lastId, 10);
    assert.equal(ids(ring.since(3, 0)), 'gap');
    assert.deepEqual(ids(ring.since(10, 0)), []);
    ring.push({ id: 11, receivedAt: 0 }, true);
    assert.deepEqual(ids(ring.since(10, 0)), [11]);
    assert.throws(() => ring.restartAt(11), /must increase/);
  });

  it('rejects ids that do not increase', () => {
    const ring = ringWith([5]);
    assert.throws(() => ring.push({ id: 5, receivedAt: 0 }, true), /must increase/);
  });

  it('a discontinuous push restarts coverage at that event', () => {
    const ring = ringWith([1, 2]);
    ring.push({ id: 50, receivedAt: 0 }, false);
    assert.equal(ring.size, 1);
    assert.equal(ids(ring.since(2, 0)), 'gap');
    assert.deepEqual(ids(ring.since(49, 0)), [50]);
  });
});
