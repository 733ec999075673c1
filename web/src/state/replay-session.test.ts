import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplaySession, type FrameScheduler } from './replay-session.js';
import type { HistoryPoint } from '../domain/vehicle.js';

/** Frames run when the test says so, at the wall time it says. */
function scriptedFrames() {
  let wall = 0;
  let queued: ((ms: number) => void)[] = [];
  const scheduler: FrameScheduler = {
    request: (callback) => queued.push(callback),
    cancel: () => (queued = []),
    now: () => wall,
  };
  return {
    scheduler,
    advance(ms: number) {
      wall += ms;
      const run = queued;
      queued = [];
      for (const callback of run) callback(wall);
    },
  };
}

const at = (iso: string, lat: number): HistoryPoint => ({
  lat,
  lng: 11,
  time: iso,
  speed: 5,
  heading: 0,
});

test('several vehicles share one clock from the earliest start to the latest end', () => {
  const frames = scriptedFrames();
  const session = new ReplaySession(frames.scheduler);
  const loaded = session.load(
    [
      {
        id: 'a',
        name: 'A',
        points: [at('2024-01-01T08:00:00Z', 57), at('2024-01-01T08:10:00Z', 58)],
      },
      {
        id: 'b',
        name: 'B',
        points: [at('2024-01-01T08:05:00Z', 50), at('2024-01-01T08:20:00Z', 51)],
      },
      { id: 'c', name: 'C', points: [at('2024-01-01T08:05:00Z', 50)] },
    ],
    60,
  );
  assert.equal(loaded, true);
  assert.deepEqual(
    session.tracks.map((t) => t.id),
    ['a', 'b'],
    'a single fix is no track',
  );
  assert.equal(session.clock!.startMs, Date.parse('2024-01-01T08:00:00Z'));
  assert.equal(session.clock!.endMs, Date.parse('2024-01-01T08:20:00Z'));
  // b has not started yet at 08:00.
  assert.deepEqual(
    session.poses().map((p) => p.id),
    ['a'],
  );
  session.toggle();
  frames.advance(5_000); // 5 s at 60× = 5 min
  assert.equal(session.positionMs, Date.parse('2024-01-01T08:05:00Z'));
  const poses = session.poses();
  assert.deepEqual(
    poses.map((p) => p.id),
    ['a', 'b'],
  );
  assert.equal(poses[0]!.pose.lat, 57.5);
  assert.equal(poses[1]!.pose.lat, 50);
});

test('stop clears the session; an empty load says so', () => {
  const frames = scriptedFrames();
  const session = new ReplaySession(frames.scheduler);
  let changes = 0;
  session.subscribe(() => changes++);
  assert.equal(session.load([{ id: 'a', name: 'A', points: [] }], 10), false);
  assert.equal(session.active, false);
  session.load(
    [
      {
        id: 'a',
        name: 'A',
        points: [at('2024-01-01T08:00:00Z', 1), at('2024-01-01T08:01:00Z', 2)],
      },
    ],
    10,
  );
  assert.equal(session.active, true);
  session.stop();
  assert.equal(session.active, false);
  assert.deepEqual(session.tracks, []);
  assert.ok(changes >= 2);
});
