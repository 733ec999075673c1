import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  PositionStreamController,
  type FrameUpdate,
  type StreamEnvironment,
} from './position-stream-controller.js';

/** A scripted stand-in for the browser's EventSource: tests dispatch its events by hand. */
class ScriptedEventSource extends EventTarget {
  readyState = 0;
  closed = false;
  constructor(readonly url: string) {
    super();
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  emitPosition(id: string, data: unknown, type = 'position') {
    this.dispatchEvent(
      new MessageEvent(type, {
        data: typeof data === 'string' ? data : JSON.stringify(data),
        lastEventId: id,
      }),
    );
  }
}

function harness() {
  const sources: ScriptedEventSource[] = [];
  const frames: (() => void)[] = [];
  const timers: (() => void)[] = [];
  let hidden = false;
  let visibilityListener = () => {};
  const updates: FrameUpdate[] = [];
  let hostUpdates = 0;
  const env: StreamEnvironment = {
    createEventSource: (url) => {
      const source = new ScriptedEventSource(url);
      sources.push(source);
      return source as unknown as EventSource;
    },
    requestFrame: (callback) => frames.push(callback),
    isHidden: () => hidden,
    onVisibilityChange: (listener) => {
      visibilityListener = listener;
      return () => {};
    },
    setTimeout: (callback) => timers.push(callback),
    clearTimeout: () => {},
    now: () => 0,
  };
  const host: ReactiveControllerHost = {
    addController: (_c: ReactiveController) => {},
    removeController: () => {},
    requestUpdate: () => hostUpdates++,
    updateComplete: Promise.resolve(true),
  };
  const controller = new PositionStreamController(host, {
    url: '/api/stream',
    onFrame: (update) => updates.push(update),
    environment: env,
  });
  controller.hostConnected();
  const runFrames = () => frames.splice(0).forEach((frame) => frame());
  return {
    controller,
    sources,
    timers,
    updates,
    runFrames,
    hostUpdates: () => hostUpdates,
    setHidden(value: boolean) {
      hidden = value;
      visibilityListener();
    },
  };
}

const fix = (id: string, lat: number) => ({
  id,
  name: id,
  lat,
  lng: 1,
  time: '2024-01-01T00:00:00Z',
});

test('coalesces several fixes of one vehicle into one update per frame', () => {
  const h = harness();
  const source = h.sources[0]!;
  source.dispatchEvent(new Event('open'));
  source.emitPosition('1', fix('a', 1));
  source.emitPosition('2', fix('a', 2));
  source.emitPosition('3', fix('b', 3));
  h.runFrames();
  assert.equal(h.updates.length, 1);
  assert.deepEqual(
    h.updates[0]!.changed.map((v) => [v.id, v.lat]),
    [
      ['a', 2],
      ['b', 3],
    ],
  );
  assert.equal(h.controller.vehicles.size, 2);
  assert.equal(h.controller.lastEventId, '3');
  assert.equal(h.controller.state, 'live');
});

test('a status event (the tracker saw the vehicle go offline) updates the vehicle in place', () => {
  const h = harness();
  const source = h.sources[0]!;
  source.dispatchEvent(new Event('open'));
  source.emitPosition('1', { ...fix('a', 1), status: 'moving' });
  h.runFrames();
  source.emitPosition(
    '2',
    { ...fix('a', 1), status: 'offline', previousStatus: 'moving' },
    'status',
  );
  h.runFrames();
  assert.equal(h.controller.vehicles.get('a')?.status, 'offline');
  assert.equal(h.controller.vehicles.get('a')?.lat, 1, 'it did not move');
  assert.equal(h.controller.lastEventId, '2', 'resumes after the status event');
  assert.equal(h.updates.at(-1)?.changed[0]?.status, 'offline');
});

test('draws nothing while hidden, then catches up with a snap when visible again', () => {
  const h = harness();
  h.sources[0]!.dispatchEvent(new Event('open'));
  h.sources[0]!.emitPosition('1', fix('a', 1));
  h.runFrames();
  h.setHidden(true);
  h.sources[0]!.emitPosition('2', fix('a', 5));
  h.runFrames();
  assert.equal(h.updates.length, 1);
  h.setHidden(false);
  h.runFrames();
  assert.equal(h.updates.length, 2);
  assert.equal(h.updates[1]!.snap, true);
  assert.equal(h.updates[1]!.changed[0]!.lat, 5);
});

test('drops malformed events and keeps going', () => {
  const h = harness();
  h.sources[0]!.emitPosition('1', '{not json');
  h.sources[0]!.emitPosition('2', { id: 'a', lat: 'north' });
  h.sources[0]!.emitPosition('3', fix('b', 1));
  h.runFrames();
  assert.equal(h.controller.rejected, 2);
  assert.deepEqual([...h.controller.vehicles.keys()], ['b']);
});

test('shows reconnecting and reopens with the last event id when the EventSource gives up', () => {
  const h = harness();
  const first = h.sources[0]!;
  first.dispatchEvent(new Event('open'));
  first.emitPosition('41', fix('a', 1));
  first.readyState = 2;
  first.dispatchEvent(new Event('error'));
  assert.equal(h.controller.state, 'reconnecting');
  assert.equal(first.closed, true);
  h.timers.splice(0).forEach((timer) => timer());
  assert.equal(h.sources.length, 2);
  assert.equal(h.sources[1]!.url, '/api/stream?lastEventId=41');
  h.sources[1]!.dispatchEvent(new Event('open'));
  assert.equal(h.controller.state, 'live');
});

test('a transient error (browser retries itself) does not open a second EventSource', () => {
  const h = harness();
  h.sources[0]!.readyState = 0;
  h.sources[0]!.dispatchEvent(new Event('error'));
  assert.equal(h.controller.state, 'reconnecting');
  assert.equal(h.timers.length, 0);
  assert.equal(h.sources.length, 1);
});
