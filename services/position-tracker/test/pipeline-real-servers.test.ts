/**
 * The tracker against REAL servers: ActiveMQ Classic over AMQP 1.0 and RabbitMQ over AMQP 0-9-1,
 * with FerretDB (MongoDB wire protocol) as the store. Broker restarts and database outages are
 * real (scripts/dev-servers/servers.sh), so this file runs alone (the runner's concurrency is 1).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createBroker,
  deadLetterQueue,
  REJECT_REASON_HEADER,
  type IncomingMessage,
} from '@fleetman/broker';
import { createLogger } from '@fleetman/service-kit';
import { MongoStore } from '../src/service.js';
import { eventually } from './support/eventually.js';
import { requireServer, servers } from './support/servers.js';
import { fixAt, startHarness, type Harness } from './support/tracker-harness.js';

const logger = createLogger({
  service: 'pipeline-test',
  level: (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'silent',
});
const runId = `${Date.now().toString(36)}${process.pid}`;

const brokers = [
  {
    name: 'ActiveMQ Classic (AMQP 1.0)',
    server: 'activemq',
    url: 'TEST_ACTIVEMQ_URL',
    protocol: 'amqp-1.0',
  },
  {
    name: 'RabbitMQ (AMQP 0-9-1)',
    server: 'rabbitmq',
    url: 'TEST_RABBITMQ_URL',
    protocol: 'amqp-0-9-1',
  },
] as const;

for (const spec of brokers) {
  describe(`tracker pipeline on ${spec.name} + FerretDB`, () => {
    let h: Harness;
    let store: MongoStore;
    const database = `fleetman_it_${spec.server}_${runId}`;

    before(async () => {
      const brokerUrl = requireServer(spec.url);
      store = new MongoStore({
        url: requireServer('TEST_MONGO_URL'),
        database,
        retention: 'auto',
        retentionMs: 86_400_000,
        logger,
      });
      const broker = createBroker({ url: brokerUrl, protocol: spec.protocol, logger });
      h = await startHarness({
        broker,
        store,
        env: { QUEUE_NAME: `positions.${spec.server}.${runId}` },
      });
    });
    after(() => h?.stop());

    const stored = async (vehicle: string) =>
      (await store.history(vehicle, { limit: 10_000 })).length;

    test('fixes flow broker → tracker → store → REST', async () => {
      for (let s = 0; s < 20; s++) await h.publish(fixAt('flow', s, s * 10));
      await eventually(async () => (await stored('flow')) === 20, 20_000);
      const vehicle = (await (await fetch(`${h.url}/vehicles/flow`)).json()) as {
        speed: number;
        status: string;
      };
      assert.ok(vehicle.speed > 8 && vehicle.speed <= 10.01, `speed ${vehicle.speed}`);
      assert.equal(vehicle.status, 'moving');
      assert.equal(
        store.retention,
        'sweep',
        'FerretDB has no TTL indexes: retention falls back to the sweep',
      );
    });

    test('a glitch jump is stored flagged in the database and served flagged, the live state skips it', async () => {
      await h.publish(fixAt('glitch', 0, 0));
      await h.publish(fixAt('glitch', 1, 10));
      await h.publish({ ...fixAt('glitch', 2, 2_020), speed: 10 }); // 2 km in 1 s
      await h.publish(fixAt('glitch', 3, 30));
      await eventually(async () => (await stored('glitch')) === 4, 20_000);
      const records = await store.history('glitch', { limit: 10 });
      assert.deepEqual(
        records.map((r) => r.flags ?? []),
        [[], [], ['jump'], []],
      );
      const history = (await (await fetch(`${h.url}/vehicles/glitch/history`)).json()) as Array<{
        flags?: string[];
      }>;
      assert.deepEqual(history[2]?.flags, ['jump']);
      // The live state follows the last good fix (eventually: it is set once the write is confirmed).
      await eventually(async () => {
        const vehicle = (await (await fetch(`${h.url}/vehicles/glitch`)).json()) as {
          lat: number;
          time: string;
        };
        return vehicle.time === fixAt('glitch', 3, 30).time.toISOString();
      }, 20_000);
      const vehicle = (await (await fetch(`${h.url}/vehicles/glitch`)).json()) as { lat: number };
      assert.equal(vehicle.lat, fixAt('glitch', 3, 30).lat, 'not moved by the glitch');
    });

    test('a fleet of 200 vehicles: every batch updates the latest states of many vehicles', async () => {
      // Regression: FerretDB hangs on one update command of ~90+ upserts of existing documents.
      for (let round = 0; round < 3; round++) {
        await Promise.all(
          Array.from({ length: 200 }, (_, v) => h.publish(fixAt(`fleet-${v}`, round, round * 10))),
        );
      }
      await eventually(async () => {
        const vehicles = (await (await fetch(`${h.url}/vehicles`)).json()) as Array<{
          id: string;
          time: string;
        }>;
        const fleet = vehicles.filter((v) => v.id.startsWith('fleet-'));
        return (
          fleet.length === 200 && fleet.every((v) => v.time === fixAt('x', 2, 0).time.toISOString())
        );
      }, 30_000);
      // Latest states are checkpointed every STATE_CHECKPOINT (5 s), off the acknowledgement
      // path; a generous bound, as a loaded machine slows FerretDB's upserts (not a timing check).
      await eventually(async () => {
        const restored = await store.loadVehicles();
        const final = fixAt('x', 2, 0).time.getTime();
        return (
          restored.filter((v) => v.id.startsWith('fleet-') && v.time.getTime() === final).length ===
          200
        );
      }, 60_000);
    });

    test('poison messages are dead-lettered with their reason while good ones keep flowing', async () => {
      const dead: IncomingMessage[] = [];
      const sub = await h.broker.consume(deadLetterQueue(h.queue), async (message) => {
        dead.push(message);
        return { kind: 'ack' };
      });
      await h.publish(Buffer.from('{"vehicle": "poison", "lat": "north"'));
      await h.publish(fixAt('after-poison', 0, 0));
      await h.publish(
        Buffer.from(
          JSON.stringify({ vehicle: 'poison', lat: 1, lng: 2, time: '2999-01-01T00:00:00Z' }),
        ),
      );
      await h.publish(fixAt('after-poison', 1, 5));
      await eventually(() => dead.length === 2, 20_000);
      await eventually(async () => (await stored('after-poison')) === 2, 20_000);
      assert.deepEqual(
        dead.map((m) => String(m.headers[REJECT_REASON_HEADER]).split(':')[0]).sort(),
        ['absurd_time', 'malformed'],
      );
      await sub.cancel();
    });

    test(`a ${spec.server} restart mid-stream loses nothing`, async () => {
      const total = 300;
      const publishing = (async () => {
        for (let s = 0; s < total; s++) {
          await h.publish(fixAt('restart', s, s * 10));
          if (s % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      await eventually(async () => (await stored('restart')) > 20, 20_000);
      await servers('restart', spec.server);
      await publishing;
      await eventually(async () => (await stored('restart')) === total, 60_000, 250);
      const history = await store.history('restart', { limit: total });
      assert.equal(
        new Set(history.map((r) => r.time.getTime())).size,
        total,
        'each fix stored exactly once',
      );
    });

    test('a database outage holds acknowledgements; nothing is lost when it returns', async () => {
      await h.publish(fixAt('outage', 0, 0));
      await eventually(async () => (await stored('outage')) === 1, 20_000);
      await servers('stop', 'ferretdb');
      try {
        for (let s = 1; s <= 30; s++) await h.publish(fixAt('outage', s, s * 10));
        await eventually(async () => (await fetch(`${h.url}/readyz`)).status === 503, 20_000);
        const consumed = await h.metric('positions_consumed_total');
        await new Promise((resolve) => setTimeout(resolve, 1000));
        assert.equal(
          await h.metric('positions_consumed_total'),
          consumed,
          'nothing acknowledged while the database is down',
        );
      } finally {
        await servers('start', 'ferretdb');
      }
      await eventually(async () => (await stored('outage')) === 31, 60_000, 250);
      await eventually(async () => (await fetch(`${h.url}/readyz`)).status === 200, 30_000);
    });
  });
}
