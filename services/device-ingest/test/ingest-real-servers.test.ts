/**
 * Phones' requests through the REAL pipeline: device-ingest (registry in FerretDB) → ActiveMQ
 * Classic over AMQP 1.0 → the real position-tracker (history in FerretDB) → its REST API. Each
 * protocol in the shape its app sends; unknown devices; a phone's offline buffer of 500
 * out-of-order fixes, as one batch and as 500 separate requests. Nothing here reads the clock
 * to judge speed: waits are for states, with generous bounds for a loaded machine.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBroker } from '@fleetman/broker';
import { createRegistry, loadConfig } from '@fleetman/service-kit';
import { contractFetch } from '@fleetman/service-kit/testing';
import {
  MongoStore,
  startTracker,
  trackerConfigSchema,
  type RunningTracker,
} from '@fleetman/position-tracker';
import { MongoDeviceStore } from '../src/service.js';
import {
  basic,
  osmAndForm,
  osmAndQuery,
  ownTracksLocation,
  sdkJsonArray,
  traccarClientJson,
  type FixValues,
} from './fixtures/device-requests.js';
import { logger, startIngestHarness, type IngestHarness } from './support/ingest-harness.js';

const runId = `${Date.now().toString(36)}${process.pid}`;
const database = `fleetman_ingest_it_${runId}`;
const queue = `positions.ingest.${runId}`;

function requireServer(variable: 'TEST_ACTIVEMQ_URL' | 'TEST_MONGO_URL'): string {
  const url = process.env[variable];
  if (!url) throw new Error(`${variable} is not set: see scripts/dev-servers/servers.sh env`);
  return url;
}

async function eventually<T>(
  check: () => Promise<T | false | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = new Error('condition never became true');
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw last;
}

interface Point {
  lat: number;
  lng: number;
  time: string;
  speed?: number;
}

describe('device-ingest → ActiveMQ (AMQP 1.0) → position-tracker → FerretDB → REST', () => {
  let ingest: IngestHarness;
  let tracker: RunningTracker;
  let trackerStop: () => Promise<void>;
  const secrets: Record<string, string> = {};
  /** Fixes from 40 minutes ago up to now: old enough for a buffer, recent enough for the API. */
  const base = Date.now() - 40 * 60_000;

  before(async () => {
    const brokerUrl = requireServer('TEST_ACTIVEMQ_URL');
    const mongoUrl = requireServer('TEST_MONGO_URL');
    const trackerBroker = createBroker({ url: brokerUrl, protocol: 'amqp-1.0', logger });
    const store = new MongoStore({
      url: mongoUrl,
      database,
      retention: 'auto',
      retentionMs: 86_400_000,
      logger,
    });
    tracker = await startTracker({
      config: loadConfig(trackerConfigSchema, {
        PORT: '0',
        QUEUE_NAME: queue,
        LOG_LEVEL: 'silent',
        BATCH_MAX_WAIT: '5ms',
      }),
      logger,
      registry: createRegistry(),
      broker: trackerBroker,
      store,
    });
    trackerStop = async () => {
      await tracker.stop();
      await trackerBroker.close();
    };
    ingest = await startIngestHarness({
      broker: createBroker({ url: brokerUrl, protocol: 'amqp-1.0', logger }),
      store: new MongoDeviceStore({ url: mongoUrl, database, logger }),
      env: { QUEUE_NAME: queue, DEVICE_BURST: '1000' },
    });
    for (const [id, vehicle] of [
      ['tc8', 'it-tc8'],
      ['sdk-form', 'it-form'],
      ['tc9', 'it-tc9'],
      ['sdk-json', 'it-sdk'],
      ['bob', 'it-owntracks'],
      ['buffer-batch', 'it-buffer-batch'],
      ['buffer-requests', 'it-buffer-requests'],
    ] as const) {
      secrets[id] = await ingest.register(id, vehicle);
    }
  });
  after(async () => {
    await ingest?.stop();
    await trackerStop?.();
  });

  const history = async (vehicle: string): Promise<Point[]> => {
    const response = await contractFetch(
      `${tracker.server.url}/vehicles/${vehicle}/history?limit=10000`,
    );
    if (response.status === 404) return [];
    return (await response.json()) as Point[];
  };
  const fixAt = (id: string, i: number, speedMps = 10): FixValues => ({
    id,
    time: base + i * 5000,
    lat: 57.7 + (i * 50) / 111_337.9,
    lon: 11.97,
    speedMps,
    heading: 0,
    accuracy: 4,
  });

  test('the registry is in FerretDB: a second ingest replica accepts the same secret', async () => {
    const second = await startIngestHarness({
      broker: createBroker({
        url: requireServer('TEST_ACTIVEMQ_URL'),
        protocol: 'amqp-1.0',
        logger,
      }),
      store: new MongoDeviceStore({ url: requireServer('TEST_MONGO_URL'), database, logger }),
      env: { QUEUE_NAME: queue },
    });
    try {
      const listed = (await (await contractFetch(`${second.adminUrl}/devices`)).json()) as Array<{
        id: string;
      }>;
      assert.ok(listed.some((d) => d.id === 'tc8'));
      const response = await fetch(`${second.url}/?${osmAndQuery(fixAt('tc8', 0), secrets.tc8)}`);
      assert.equal(response.status, 200);
    } finally {
      await second.stop();
    }
  });

  test('each protocol, as its app sends it, ends in history with its speed in m/s', async () => {
    const post = (path: string, body: string, headers: Record<string, string>) =>
      fetch(`${ingest.url}${path}`, { method: 'POST', headers, body });
    const answers = await Promise.all([
      fetch(`${ingest.url}/?${osmAndQuery(fixAt('tc8', 1), secrets.tc8)}`),
      post(`/?token=${secrets['sdk-form']}`, osmAndForm(fixAt('sdk-form', 1)), {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      post(`/?token=${secrets.tc9}`, traccarClientJson('tc9', [fixAt('tc9', 1)]), {
        'content-type': 'application/json',
      }),
      post(
        `/?token=${secrets['sdk-json']}`,
        sdkJsonArray([fixAt('sdk-json', 1), fixAt('sdk-json', 2)]),
        {
          'content-type': 'application/json',
        },
      ),
      post('/owntracks', ownTracksLocation(fixAt('bob', 1)), {
        'content-type': 'application/json',
        authorization: basic('bob', secrets.bob!),
        'x-limit-u': 'bob',
        'x-limit-d': 'pixel',
      }),
    ]);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 200, 200],
    );
    for (const [vehicle, count] of [
      ['it-tc8', 2], // one more from the second-replica test
      ['it-form', 1],
      ['it-tc9', 1],
      ['it-sdk', 2],
      ['it-owntracks', 1],
    ] as const) {
      const points = await eventually(async () => {
        const found = await history(vehicle);
        return found.length === count && found;
      });
      assert.ok(
        points.every((p) => p.lng === 11.97 && p.lat >= 57.7),
        `${vehicle}: ${JSON.stringify(points)}`,
      );
    }
    const state = (await (await contractFetch(`${tracker.server.url}/vehicles/it-tc9`)).json()) as {
      speed: number;
    };
    assert.ok(Math.abs(state.speed - 10) < 0.05, `device speed 10 m/s, got ${state.speed}`);
    const owntracks = (await (
      await contractFetch(`${tracker.server.url}/vehicles/it-owntracks`)
    ).json()) as { speed: number };
    assert.ok(Math.abs(owntracks.speed - 10) < 0.2, `vel 36 km/h = 10 m/s, got ${owntracks.speed}`);
  });

  test('unknown devices and bad input never reach the tracker', async () => {
    const unknown = await fetch(
      `${ingest.url}/?${osmAndQuery(fixAt('stranger', 1), 'guess-guess')}`,
    );
    assert.equal(unknown.status, 400);
    const bad = await fetch(`${ingest.url}/?id=tc8&lat=1&lon=999&token=${secrets.tc8}`);
    assert.equal(bad.status, 400);
    // A good fix after them is a marker: once it is stored, anything published before was too.
    const marker = await fetch(`${ingest.url}/?${osmAndQuery(fixAt('tc8', 3), secrets.tc8)}`);
    assert.equal(marker.status, 200);
    await eventually(async () => (await history('it-tc8')).length === 3);
    assert.deepEqual(await history('stranger'), []);
    assert.ok((await history('it-tc8')).every((p) => p.lng === 11.97));
  });

  test('an offline buffer of 500 out-of-order fixes in one Traccar Client 9 batch ends in history in order', async () => {
    const fixes = shuffled(Array.from({ length: 500 }, (_, i) => fixAt('buffer-batch', i)));
    const response = await fetch(`${ingest.url}/?token=${secrets['buffer-batch']}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: traccarClientJson('buffer-batch', fixes),
    });
    assert.equal(response.status, 200, await response.text());
    const points = await eventually(async () => {
      const found = await history('it-buffer-batch');
      return found.length === 500 && found;
    }, 60_000);
    assertInOrder(points, 500);
    const state = (await (
      await contractFetch(`${tracker.server.url}/vehicles/it-buffer-batch`)
    ).json()) as { time: string };
    assert.equal(
      state.time,
      new Date(fixAt('x', 499).time).toISOString(),
      'the newest fix is live',
    );
  });

  test('the same buffer as 500 separate query requests, out of order, 20 at a time', async () => {
    const fixes = shuffled(Array.from({ length: 500 }, (_, i) => fixAt('buffer-requests', i)));
    const statuses: number[] = [];
    for (let i = 0; i < fixes.length; i += 20) {
      const answers = await Promise.all(
        fixes
          .slice(i, i + 20)
          .map((fix) => fetch(`${ingest.url}/?${osmAndQuery(fix, secrets['buffer-requests'])}`)),
      );
      statuses.push(...answers.map((a) => a.status));
    }
    assert.ok(
      statuses.every((s) => s === 200),
      `statuses ${[...new Set(statuses)]}`,
    );
    const points = await eventually(async () => {
      const found = await history('it-buffer-requests');
      return found.length === 500 && found;
    }, 60_000);
    assertInOrder(points, 500);
    const state = (await (
      await contractFetch(`${tracker.server.url}/vehicles/it-buffer-requests`)
    ).json()) as { time: string };
    assert.equal(
      state.time,
      new Date(Math.floor(fixAt('x', 499).time / 1000) * 1000).toISOString(),
      'the newest fix is live, whatever order they came in',
    );
  });
});

function assertInOrder(points: Point[], count: number): void {
  assert.equal(points.length, count);
  const times = points.map((p) => Date.parse(p.time));
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! > times[i - 1]!, `order at ${i}`);
}

/** A fixed permutation (no Math.random: a failure must be reproducible). */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  let seed = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
