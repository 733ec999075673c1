/**
 * "Offline" pushed by the tracker's timer, on REAL servers (ActiveMQ Classic over AMQP 1.0,
 * FerretDB): nothing reads /vehicles here, so a status that reaches the stream was pushed, not
 * derived on read. OFFLINE_AFTER is 1 s so the test waits seconds, not minutes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBroker } from '@fleetman/broker';
import type { StatusEventData, VehicleView } from '@fleetman/contract';
import { createLogger } from '@fleetman/service-kit';
import { assertStreamEvent } from '@fleetman/service-kit/testing';
import { MongoStore } from '../src/service.js';
import { readSse, type SseEvent } from './support/sse-client.js';
import { requireServer } from './support/servers.js';
import { startHarness, type Harness } from './support/tracker-harness.js';

const logger = createLogger({
  service: 'presence-test',
  level: (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'silent',
});
const runId = `${Date.now().toString(36)}${process.pid}`;
const vehicle = `presence-${runId}`;
const start = Date.now() - 10_000;
const fix = (second: number) => ({
  vehicle,
  name: 'Presence van',
  lat: 57.7 + (second * 10) / 111_337.9,
  lng: 11.97,
  // Recent fix times: the contact that counts is when the tracker received them.
  time: new Date(start + second * 1000),
  speed: 10,
});
const data = (event: SseEvent) => JSON.parse(event.data) as VehicleView & Partial<StatusEventData>;
const of = (events: SseEvent[], name: string) =>
  events.filter((e) => e.event === name && data(e).id === vehicle);

describe('offline and back online, pushed live (ActiveMQ + FerretDB, no reads)', () => {
  let h: Harness;
  before(async () => {
    const store = new MongoStore({
      url: requireServer('TEST_MONGO_URL'),
      database: `fleetman_it_presence_${runId}`,
      retention: 'auto',
      retentionMs: 86_400_000,
      logger,
    });
    const broker = createBroker({
      url: requireServer('TEST_ACTIVEMQ_URL'),
      protocol: 'amqp-1.0',
      logger,
    });
    h = await startHarness({
      broker,
      store,
      env: { QUEUE_NAME: `positions.presence.${runId}`, OFFLINE_AFTER: '1s' },
    });
  });
  after(() => h?.stop());

  test('a silent vehicle goes offline on the stream, a reload shows it offline, a fix brings it back', async () => {
    const live = await readSse(`${h.url}/stream`);
    try {
      await h.publish(fix(0));
      await h.publish(fix(1));
      await live.until((events) => of(events, 'position').length === 2, 20_000);

      // Nothing polls: the timer has to push it.
      const [offline] = of(await live.until((e) => of(e, 'status').length === 1, 20_000), 'status');
      assertStreamEvent(offline!);
      assert.equal(data(offline!).status, 'offline');
      assert.equal(data(offline!).previousStatus, 'moving');
      assert.match(offline!.id ?? '', /^\d+$/, 'sequenced, so a resuming client gets it too');

      // A reload: the snapshot says offline.
      const reload = await readSse(`${h.url}/stream`);
      try {
        const events = await reload.until((e) => e.some((x) => x.event === 'snapshot-end'));
        const [snapshot] = of(events, 'position');
        assert.equal(snapshot && data(snapshot).status, 'offline');
      } finally {
        reload.close();
      }

      // A resume from before the offline event replays it.
      const firstPosition = of(live.events, 'position')[0]!;
      const resumed = await readSse(`${h.url}/stream`, { 'last-event-id': firstPosition.id! });
      try {
        await resumed.until((e) => of(e, 'status').length === 1);
      } finally {
        resumed.close();
      }

      await h.publish(fix(2));
      const online = of(
        await live.until((e) => of(e, 'status').length === 2, 20_000),
        'status',
      )[1]!;
      assertStreamEvent(online);
      assert.equal(data(online).previousStatus, 'offline');
      assert.equal(data(online).status, 'moving');
      // …and goes offline again by itself when it falls silent again.
      await live.until((e) => of(e, 'status').length === 3, 20_000);
      assert.equal(data(of(live.events, 'status')[2]!).status, 'offline');
    } finally {
      live.close();
    }
  });
});
