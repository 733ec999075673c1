import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contractFetch } from '@fleetman/service-kit/testing';
import { FakeTracker } from './support/fake-tracker.js';
import { eventually, startGateway, type TestGateway } from './support/gateway.js';
import { TestSseClient } from './support/sse-client.js';

describe('api-gateway live stream', () => {
  let tracker: FakeTracker;
  let gateway: TestGateway;
  const clients: TestSseClient[] = [];
  const open = async (path = '/stream', headers: Record<string, string> = {}, paused = false) => {
    const client = await TestSseClient.open(`${gateway.url}${path}`, headers, { paused });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    tracker = await new FakeTracker().start();
    gateway = await startGateway({ TRACKER_URL: tracker.url, SSE_HEARTBEAT: '100ms' });
    await eventually('the gateway stream to the tracker', () => gateway.upstream.connected);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await gateway.stop();
    await tracker.stop();
  });

  it('relays tracker events with their ids, with SSE headers, and sends heartbeats', async () => {
    const client = await open();
    assert.equal(client.status, 200);
    assert.match(String(client.headers['content-type']), /^text\/event-stream/);
    assert.equal(client.headers['cache-control'], 'no-cache, no-transform');
    assert.equal(client.headers['x-accel-buffering'], 'no');
    const ids = [tracker.emit('v1'), tracker.emit('v2'), tracker.emit('v1')];
    const positions = await eventually(
      '3 positions',
      () => client.positions().length === 3 && client.positions(),
    );
    assert.deepEqual(
      positions.map((event) => Number(event.id)),
      ids,
    );
    assert.equal((JSON.parse(positions[1]?.data ?? '{}') as { id: string }).id, 'v2');
    await eventually('a heartbeat comment', () => client.comments.includes('heartbeat'));
    const metrics = await (await contractFetch(`${gateway.url}/metrics`)).text();
    assert.match(metrics, /^sse_clients 1$/m);
  });

  it('gives a new client the latest state of every vehicle first, then a resumable snapshot-end', async () => {
    tracker.emit('v1', { lat: 1 });
    tracker.emit('v2', { lat: 2 });
    const last = tracker.emit('v1', { lat: 3 });
    await eventually('the gateway to see all events', () => gateway.hub.lastId === last);
    const client = await open();
    const snapshotEnd = await eventually('snapshot-end', () =>
      client.events.find((e) => e.event === 'snapshot-end'),
    );
    const states = client
      .positions()
      .map((event) => JSON.parse(event.data) as { id: string; lat: number });
    assert.deepEqual(
      states.map(({ id, lat }) => ({ id, lat })).sort((a, b) => a.id.localeCompare(b.id)),
      [
        { id: 'v1', lat: 3 },
        { id: 'v2', lat: 2 },
      ],
    );
    assert.equal(snapshotEnd.id, String(last));
    const live = tracker.emit('v3');
    await eventually('the live event after the snapshot', () =>
      client.positions().some((e) => e.id === String(live)),
    );
  });

  it('a client resuming with Last-Event-ID gets exactly the events it missed', async () => {
    const first = await open();
    const seen = [tracker.emit('v1'), tracker.emit('v2')];
    await eventually('two positions', () => first.positions().length === 2);
    first.close();
    const missed = [tracker.emit('v1'), tracker.emit('v3'), tracker.emit('v2')];
    await eventually('the gateway to see them', () => gateway.hub.lastId === missed[2]);

    const byHeader = await open('/stream', { 'last-event-id': String(seen[1]) });
    const byQuery = await open(`/stream?lastEventId=${seen[1]}`);
    for (const client of [byHeader, byQuery]) {
      await eventually('the replay', () => client.positions().length === 3);
      await new Promise((resolve) => setTimeout(resolve, 100)); // nothing more may arrive
      assert.deepEqual(
        client.positions().map((event) => Number(event.id)),
        missed,
      );
      assert.equal(
        client.events.some((event) => event.event === 'snapshot-end'),
        false,
      );
    }
  });

  it('a client whose Last-Event-ID is outside the window gets a snapshot instead', async () => {
    tracker.emit('v1');
    await eventually('the event', () => gateway.hub.lastId !== undefined);
    const client = await open('/stream', { 'last-event-id': '17' });
    await eventually('snapshot-end', () =>
      client.events.some((event) => event.event === 'snapshot-end'),
    );
    assert.equal(client.positions().length, 1);
  });

  it('cuts off a client too slow to read without affecting a fast one', async () => {
    await gateway.stop();
    gateway = await startGateway({ TRACKER_URL: tracker.url, SSE_CLIENT_BUFFER_BYTES: '262144' });
    await eventually('the gateway stream to the tracker', () => gateway.upstream.connected);
    const fast = await open();
    const slow = await open('/stream', {}, true);
    // ~12 MB: more than the kernel's socket buffers plus the client's 256 KiB allowance, in
    // events small enough that one upstream read (≤ 64 KiB) never fills a healthy client's share.
    const padding = 'x'.repeat(8 * 1024);
    const total = 1500;
    const ids: number[] = [];
    for (let i = 0; i < total; i += 1) {
      ids.push(tracker.emit(`v${i % 10}`, { padding }));
      // Pause every 10 events (~80 KiB, well under the 256 KiB allowance): the fast client reads
      // in this same process, so on a loaded machine bigger bursts could outgrow its share.
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await eventually(
      'all events at the fast client',
      () => fast.positions().length === total,
      20_000,
    );
    assert.deepEqual(
      fast.positions().map((event) => Number(event.id)),
      ids,
    );
    const metrics = await (await contractFetch(`${gateway.url}/metrics`)).text();
    assert.match(metrics, /^sse_clients_disconnected_total\{reason="slow"\} 1$/m);
    assert.match(metrics, /^sse_clients 1$/m);
    assert.equal(fast.closed, false);
    // A paused socket notices nothing; once it reads again it finds its stream cut short.
    slow.resume();
    await eventually('the slow client to see the cut', () => slow.closed);
    assert.ok(slow.positions().length < total, `slow client got ${slow.positions().length} events`);
  });

  it('reconnects to a restarted tracker with its Last-Event-ID and keeps clients streaming', async () => {
    const client = await open();
    const before = tracker.emit('v1');
    await eventually('the first event', () => client.positions().length === 1);
    await tracker.stop();
    await eventually('the gateway to notice', () => !gateway.upstream.connected);
    const missedWhileDown = tracker.emit('v2'); // queued in the tracker's ring
    await tracker.start(); // same port
    await eventually('the gateway to reconnect', () => gateway.upstream.connected, 8000);
    assert.equal(tracker.streamConnects.at(-1), String(before));
    const after = tracker.emit('v3');
    await eventually('events after the restart', () => client.positions().length === 3);
    assert.deepEqual(
      client.positions().map((event) => Number(event.id)),
      [before, missedWhileDown, after],
    );
    assert.equal(client.closed, false);
    const metrics = await (await contractFetch(`${gateway.url}/metrics`)).text();
    assert.match(metrics, /^sse_upstream_reconnects_total 1$/m);
  });

  it('ends every stream politely on shutdown', async () => {
    const client = await open();
    tracker.emit('v1');
    await eventually('an event', () => client.positions().length === 1);
    const stopped = gateway.stop();
    await eventually('the stream to end', () => client.ended);
    await stopped;
    // afterEach stops it again: stop is safe to call twice.
  });
});
