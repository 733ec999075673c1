import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveFeed } from './live-feed.js';

test('sequence numbers increase and listeners receive every event', () => {
  const feed = new LiveFeed(4, 100);
  const got: number[] = [];
  const unsubscribe = feed.subscribe((event) => got.push(event.seq));
  feed.publish('position', { a: 1 });
  feed.publish('position', { a: 2 });
  unsubscribe();
  feed.publish('position', { a: 3 });
  assert.deepEqual(got, [100, 101]);
  assert.equal(feed.lastSeq, 102);
});

test('since() returns exactly what a client missed while the ring still covers it', () => {
  const feed = new LiveFeed(4, 1);
  for (let i = 1; i <= 6; i++) feed.publish('position', { i });
  // Ring holds seqs 3..6.
  assert.deepEqual(
    feed.since(4)?.map((e) => e.seq),
    [5, 6],
  );
  assert.deepEqual(
    feed.since(2)?.map((e) => e.seq),
    [3, 4, 5, 6],
  );
  assert.deepEqual(feed.since(6), []);
  assert.equal(feed.since(1), undefined, 'seq 2 was overwritten: the client needs a snapshot');
  assert.equal(feed.since(99), undefined, 'an id from the future is not trusted');
  assert.equal(JSON.parse(feed.since(5)?.[0]?.data ?? '{}').i, 6);
});

test('a new process starts above the ids of the previous one', () => {
  // Holds while the previous process averaged under one event per microsecond of its life.
  mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-03-01T08:00:00Z') });
  try {
    const before = new LiveFeed(10);
    for (let i = 0; i < 500; i++) before.publish('position', {});
    mock.timers.tick(1); // the restart, a millisecond later: 1,000 ids above the old base
    const after = new LiveFeed(10);
    assert.ok(after.publish('position', {}).seq > before.lastSeq);
  } finally {
    mock.timers.reset();
  }
});
