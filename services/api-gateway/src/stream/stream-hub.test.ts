import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { SseParser, type ParsedSseEvent } from '@fleetman/contract';
import { createRegistry } from '@fleetman/service-kit';
import { StreamHub } from './stream-hub.js';
import { createStreamMetrics } from './stream-metrics.js';

const view = (id: string, status: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, name: id, lat: 1, lng: 2, status, ...extra });

/** What a client connecting now would receive first, parsed. */
function connect(hub: StreamHub, lastEventId?: string): ParsedSseEvent[] {
  const events: ParsedSseEvent[] = [];
  const parser = new SseParser({ onEvent: (event) => events.push(event) });
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parser.push(chunk.toString());
      callback();
    },
  });
  hub.connect(output, lastEventId, () => {});
  return events;
}

describe('StreamHub snapshot', () => {
  it('carries the latest status of each vehicle: a reload shows a vehicle that went offline as offline', () => {
    const hub = new StreamHub({
      window: { maxEvents: 100, maxAgeMs: 60_000 },
      clientMaxBytes: 1 << 20,
      heartbeatMs: 60_000,
      clientRetryMs: 2_000,
      metrics: createStreamMetrics(createRegistry()),
    });
    try {
      hub.publish({ id: '10', event: 'position', data: view('v1', 'moving') }, true);
      hub.publish({ id: '11', event: 'position', data: view('v2', 'moving') }, true);
      hub.publish(
        { id: '12', event: 'status', data: view('v1', 'offline', { previousStatus: 'moving' }) },
        true,
      );
      const snapshot = connect(hub);
      const states = snapshot
        .filter((e) => e.event !== 'snapshot-end')
        .map((e) => JSON.parse(e.data) as { id: string; status: string });
      assert.deepEqual(states.map(({ id, status }) => [id, status]).sort(), [
        ['v1', 'offline'],
        ['v2', 'moving'],
      ]);
      assert.equal(snapshot.at(-1)?.event, 'snapshot-end');
      assert.equal(snapshot.at(-1)?.id, '12');
      // A resume replays the status event itself, in order.
      const resumed = connect(hub, '11');
      assert.deepEqual(
        resumed.map((e) => [e.event, e.id]),
        [['status', '12']],
      );
    } finally {
      hub.close();
    }
  });
});
