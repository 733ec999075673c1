/**
 * device-ingest over HTTP with the in-process broker and the in-memory registry: what each
 * protocol answers (status, body, headers) for good, bad, unknown and unauthorised requests,
 * what reaches the queue, and what is counted. The real broker and tracker are in
 * ingest-real-servers.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBroker, type IncomingMessage } from '@fleetman/broker';
import { parsePositionMessage } from '@fleetman/contract';
import { MemoryDeviceStore } from '../src/service.js';
import { contractFetch } from '@fleetman/service-kit/testing';
import {
  basic,
  osmAndForm,
  osmAndQuery,
  ownTracksLocation,
  ownTracksOthers,
  sdkJsonArray,
  traccarClientJson,
} from './fixtures/device-requests.js';
import {
  collect,
  logger,
  metricValue,
  startIngestHarness,
  type IngestHarness,
} from './support/ingest-harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(10);
}
const recent = (secondsAgo: number) => Date.now() - secondsAgo * 1000;
const fixesOf = (messages: IncomingMessage[]) =>
  messages.map((m) => {
    const parsed = parsePositionMessage(m.body);
    assert.ok(parsed.ok);
    return parsed.fix;
  });

describe('device-ingest (in-process broker, memory registry)', () => {
  let h: IngestHarness;
  let messages: IncomingMessage[];
  const secrets: Record<string, string> = {};

  before(async () => {
    h = await startIngestHarness({ env: { DEVICE_BURST: '50', BODY_LIMIT: '4096' } });
    ({ messages } = await collect(h.broker, h.queue));
    secrets.phone = await h.register('48213377', 'van-7', 'City Van 7');
    secrets.alice = await h.register('alice/phone', 'car-a');
    secrets.revoked = await h.register('old-phone', 'van-9');
    await contractFetch(`${h.adminUrl}/devices/old-phone/revoke`, { method: 'POST' });
  });
  after(() => h?.stop());

  const drain = () => messages.splice(0, messages.length);

  test('OsmAnd query (GET): 200 with an empty body, the fix on the queue in m/s for its vehicle', async () => {
    drain();
    const time = recent(30);
    const response = await fetch(
      `${h.url}/?${osmAndQuery({ id: '48213377', time, lat: 57.70887, lon: 11.97456, speedMps: 10, heading: 139.1, accuracy: 4 }, secrets.phone)}`,
      { headers: { 'x-request-id': 'req-osmand-1' } },
    );
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '');
    await until(() => messages.length === 1);
    const [message] = drain();
    assert.equal(message!.correlationId, 'req-osmand-1', 'the request id travels with the fix');
    const [fix] = fixesOf([message!]);
    assert.equal(fix!.vehicle, 'van-7');
    assert.equal(fix!.name, 'City Van 7');
    assert.equal(fix!.time.getTime(), Math.floor(time / 1000) * 1000);
    assert.ok(Math.abs(fix!.speed! - 10) < 0.01, `speed ${fix!.speed} m/s`);
    assert.equal(fix!.heading, 139.1);
    assert.equal(fix!.accuracy, 4);
  });

  test('OsmAnd form POST with the token in the server URL, and Traccar Client 9 JSON', async () => {
    drain();
    const form = await fetch(`${h.url}/?token=${secrets.phone}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: osmAndForm({ id: '48213377', time: recent(20), lat: 57.71, lon: 11.97 }),
    });
    assert.equal(form.status, 200);
    const json = await fetch(`${h.url}/?token=${secrets.phone}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: traccarClientJson('48213377', [
        { id: '48213377', time: recent(10), lat: 57.72, lon: 11.97, speedMps: 3 },
      ]),
    });
    assert.equal(json.status, 200);
    await until(() => messages.length === 2);
    assert.deepEqual(
      fixesOf(drain()).map((f) => f.lat),
      [57.71, 57.72],
    );
  });

  test('the SDK JSON array and a Traccar Client 9 batch publish every fix, oldest first', async () => {
    drain();
    const times = [5, 50, 25, 40].map(recent);
    const sdk = await fetch(`${h.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.phone}` },
      body: sdkJsonArray(times.map((time, i) => ({ id: '48213377', time, lat: 1 + i, lon: 2 }))),
    });
    assert.equal(sdk.status, 200);
    await until(() => messages.length === 4);
    const published = fixesOf(drain()).map((f) => f.time.getTime());
    assert.deepEqual(
      published,
      [...published].sort((a, b) => a - b),
    );
  });

  test('OwnTracks: a location is 200 [] and published; other message types are 200 [] and not', async () => {
    drain();
    const post = (body: string, auth = basic('alice', secrets.alice!)) =>
      fetch(`${h.url}/owntracks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: auth,
          'x-limit-u': 'alice',
          'x-limit-d': 'phone',
        },
        body,
      });
    const location = await post(
      ownTracksLocation({ id: 'x', time: recent(5), lat: 57.7, lon: 11.9, speedMps: 15 }),
    );
    assert.equal(location.status, 200);
    assert.match(location.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await location.json(), []);
    for (const other of Object.values(ownTracksOthers)) {
      const response = await post(other);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), []);
    }
    await until(() => messages.length >= 1);
    await sleep(50);
    const fixes = fixesOf(drain());
    assert.equal(fixes.length, 1, 'only the location was published');
    assert.equal(fixes[0]!.vehicle, 'car-a');
    assert.equal(fixes[0]!.speed, 15, 'vel 54 km/h = 15 m/s');
    const wrong = await post(ownTracksOthers.lwt, basic('alice', 'wrong-password'));
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic /);
  });

  test('unknown, revoked and unauthenticated devices are refused as each protocol does, and counted', async () => {
    drain();
    const q = (id: string, token?: string) =>
      fetch(`${h.url}/?${osmAndQuery({ id, time: recent(1), lat: 1, lon: 2 }, token)}`);
    const unknown = await q('ghost', 'whatever-secret');
    assert.equal(unknown.status, 400);
    assert.equal(((await unknown.json()) as { error: string }).error, 'unknown_device');
    const unknownJson = await fetch(`${h.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: traccarClientJson('ghost', [{ id: 'ghost', time: recent(1), lat: 1, lon: 2 }]),
    });
    assert.equal(unknownJson.status, 404);
    assert.equal((await q('old-phone', secrets.revoked)).status, 400, 'revoked');
    assert.equal((await q('48213377')).status, 401, 'no secret');
    assert.equal((await q('48213377', 'not-the-secret')).status, 401, 'wrong secret');
    const ownTracksStranger = await fetch(`${h.url}/owntracks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic('mallory', 'x') },
      body: ownTracksLocation({ id: 'x', time: recent(1), lat: 1, lon: 2 }),
    });
    assert.equal(ownTracksStranger.status, 401);
    await sleep(50);
    assert.equal(messages.length, 0, 'nothing published');
    const failures = await h.metric('ingest_auth_failures_total');
    assert.equal(metricValue(failures, 'protocol="osmand",reason="unknown_device"'), 2);
    assert.equal(metricValue(failures, 'protocol="osmand",reason="revoked"'), 1);
    assert.equal(metricValue(failures, 'protocol="osmand",reason="missing_secret"'), 1);
    assert.equal(metricValue(failures, 'protocol="osmand",reason="bad_secret"'), 1);
    assert.equal(metricValue(failures, 'protocol="owntracks",reason="unknown_device"'), 1);
  });

  test('bad input: 400 with the reason, counted, nothing on the queue; a bad fix inside a batch is dropped alone', async () => {
    drain();
    const cases: Array<[string, string]> = [
      [`id=48213377&lat=north&lon=2&token=${secrets.phone}`, 'bad_coordinates'],
      [`id=48213377&lat=1&lon=2&timestamp=soon&token=${secrets.phone}`, 'bad_time'],
      [
        `id=48213377&lat=1&lon=2&timestamp=${Math.floor(Date.now() / 1000) + 3600}&token=${secrets.phone}`,
        'absurd_time',
      ],
      [`lat=1&lon=2&token=${secrets.phone}`, 'missing_device'],
    ];
    for (const [query, reason] of cases) {
      const response = await fetch(`${h.url}/?${query}`);
      assert.equal(response.status, 400, query);
      const body = (await response.json()) as { error: string; message: string };
      assert.equal(body.error, reason, query);
      assert.match(body.message, new RegExp(`^${reason}: `));
    }
    const batch = await fetch(`${h.url}/?token=${secrets.phone}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        device_id: '48213377',
        location: [
          { timestamp: new Date(recent(3)).toISOString(), coords: { latitude: 1, longitude: 2 } },
          { timestamp: new Date(recent(2)).toISOString(), coords: { latitude: 95, longitude: 2 } },
        ],
      }),
    });
    assert.equal(batch.status, 200);
    await until(() => messages.length === 1);
    await sleep(50);
    assert.equal(drain().length, 1);
    const rejected = await h.metric('ingest_rejected_total');
    assert.equal(metricValue(rejected, 'protocol="osmand",reason="bad_coordinates"'), 2);
    assert.equal(metricValue(rejected, 'protocol="osmand",reason="absurd_time"'), 1);
  });

  test('body limit (413) and per-device rate limit (429 with Retry-After)', async () => {
    const big = await fetch(`${h.url}/?token=${secrets.phone}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: traccarClientJson(
        '48213377',
        Array.from({ length: 40 }, (_, i) => ({ id: '48213377', time: recent(i), lat: 1, lon: 2 })),
      ),
    });
    assert.equal(big.status, 413);
    const limited = await startIngestHarness({
      env: { DEVICE_BURST: '3', DEVICE_RATE_LIMIT: '0.01' },
    });
    try {
      const secret = await limited.register('rl', 'rl');
      const send = () =>
        fetch(
          `${limited.url}/?${osmAndQuery({ id: 'rl', time: recent(1), lat: 1, lon: 2 }, secret)}`,
        );
      for (let i = 0; i < 3; i++) assert.equal((await send()).status, 200);
      const refused = await send();
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    } finally {
      await limited.stop();
    }
  });

  test('a broker that does not confirm in time: 503 with Retry-After, so the phone sends again', async () => {
    // A full in-process queue makes publish wait, as an unreachable broker does.
    const broker = createBroker({ protocol: 'amqp-1.0', logger });
    const stuck = await startIngestHarness({ broker, env: { PUBLISH_TIMEOUT: '200ms' } });
    try {
      const secret = await stuck.register('s', 's');
      // Fill the queue (capacity 10 000) without a consumer.
      await Promise.all(
        Array.from({ length: 10_000 }, () => broker.publish(stuck.queue, { body: '{}' })),
      );
      const response = await fetch(
        `${stuck.url}/?${osmAndQuery({ id: 's', time: recent(1), lat: 1, lon: 2 }, secret)}`,
      );
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '5');
      assert.equal(metricValue(await stuck.metric('positions_publish_failures_total'), ' '), 1);
    } finally {
      await stuck.ingest.stop();
      await broker.close().catch(() => undefined);
    }
  });

  test('a registry that cannot answer: 503 with Retry-After (a cached device keeps reporting)', async () => {
    const store = new MemoryDeviceStore();
    const flaky = await startIngestHarness({ store });
    try {
      const secret = await flaky.register('cached', 'c');
      const query = (id: string, token: string) =>
        fetch(`${flaky.url}/?${osmAndQuery({ id, time: recent(1), lat: 1, lon: 2 }, token)}`);
      assert.equal((await query('cached', secret)).status, 200);
      store.get = () => Promise.reject(new Error('database down'));
      assert.equal((await query('cached', secret)).status, 200, 'answered from the cache');
      const uncached = await query('someone-else', 'any-secret-value');
      assert.equal(uncached.status, 503);
      assert.equal(uncached.headers.get('retry-after'), '5');
    } finally {
      await flaky.stop();
    }
  });

  test('admin API: list, get, rotate (the old secret stops working), checked against openapi.yaml', async () => {
    const list = await contractFetch(`${h.adminUrl}/devices`);
    assert.equal(list.status, 200);
    const devices = (await list.json()) as Array<{ id: string; status: string }>;
    assert.deepEqual(devices.map((d) => [d.id, d.status]).sort(), [
      ['48213377', 'active'],
      ['alice/phone', 'active'],
      ['old-phone', 'revoked'],
    ]);
    assert.ok(!JSON.stringify(devices).includes('scrypt'), 'no hash in the listing');
    const one = await contractFetch(`${h.adminUrl}/devices/alice%2Fphone`);
    assert.equal(((await one.json()) as { vehicle: string }).vehicle, 'car-a');
    assert.equal((await contractFetch(`${h.adminUrl}/devices/nobody`)).status, 404);
    const rotated = await contractFetch(`${h.adminUrl}/devices/48213377/rotate`, {
      method: 'POST',
    });
    const { secret } = (await rotated.json()) as { secret: string };
    const old = await fetch(
      `${h.url}/?${osmAndQuery({ id: '48213377', time: recent(1), lat: 1, lon: 2 }, secrets.phone)}`,
    );
    assert.equal(old.status, 401);
    const fresh = await fetch(
      `${h.url}/?${osmAndQuery({ id: '48213377', time: recent(1), lat: 1, lon: 2 }, secret)}`,
    );
    assert.equal(fresh.status, 200);
    secrets.phone = secret;
    const duplicate = await contractFetch(`${h.adminUrl}/devices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: '48213377' }),
    });
    assert.equal(duplicate.status, 409);
    const invalid = await contractFetch(`${h.adminUrl}/devices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'x', secret: 'short' }),
    });
    assert.equal(invalid.status, 400);
  });

  test('each port answers only its own routes', async () => {
    assert.equal((await fetch(`${h.url}/devices`)).status, 404, 'no admin API on the devices port');
    assert.equal((await fetch(`${h.adminUrl}/?id=1&lat=1&lon=2`)).status, 404);
    assert.equal((await fetch(`${h.url}/livez`)).status, 200);
    assert.equal((await fetch(`${h.adminUrl}/readyz`)).status, 200);
  });
});
