import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deadLetterQueue, REJECT_REASON_HEADER, type IncomingMessage } from '@fleetman/broker';
import { assertStreamEvent, contractFetch } from '@fleetman/service-kit/testing';
import { eventually } from './support/eventually.js';
import { readSse } from './support/sse-client.js';
import { fixAt, startHarness, type Harness } from './support/tracker-harness.js';

interface Point {
  time: string;
}
// Loose on purpose: each test asserts the shape it relies on (openapi.yaml checked the rest).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
/** Every answer is checked against openapi.yaml on the way (contractFetch). */
const getJson = async (url: string): Promise<{ status: number; body: Json }> => {
  const response = await contractFetch(url);
  return { status: response.status, body: await response.json() };
};

describe('position-tracker (in-process broker, memory store)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  test('consumes fixes and serves the latest state with a speed from fix times', async () => {
    for (let s = 0; s < 10; s++) {
      await h.publish(fixAt('a', s, s * 12));
      await h.publish(fixAt('b', s, 0));
    }
    const vehicles = await eventually(async () => {
      const { body } = await getJson(`${h.url}/vehicles`);
      return (
        body.length === 2 &&
        body.every((v: Point) => v.time === fixAt('a', 9, 0).time.toISOString()) &&
        body
      );
    });
    const [a, b] = vehicles as Array<{
      id: string;
      speed: number;
      status: string;
      heading: number;
      name: string;
    }>;
    assert.equal(a?.id, 'a');
    assert.equal(a?.name, 'Van a');
    assert.ok(a!.speed > 10 && a!.speed <= 12, `speed ${a?.speed}`);
    assert.equal(a?.status, 'moving');
    assert.equal(a?.heading, 0);
    assert.equal(b?.status, 'idle');
    const one = await getJson(`${h.url}/vehicles/a`);
    assert.equal(one.status, 200);
    assert.equal((one.body as unknown as { id: string }).id, 'a');
  });

  test('unknown vehicle is a 404 with the error shape', async () => {
    const { status, body } = await getJson(`${h.url}/vehicles/nope`);
    assert.equal(status, 404);
    assert.deepEqual(body, { error: 'vehicle_not_found', message: 'No vehicle "nope"' });
  });

  test('history: oldest first, limit, geojson, gpx, and 400 on a bad query', async () => {
    const all = await getJson(`${h.url}/vehicles/a/history`);
    assert.equal(all.body.length, 10);
    const times = all.body.map((p: Point) => p.time);
    assert.deepEqual([...times].sort(), times);
    const newest = await getJson(`${h.url}/vehicles/a/history?limit=3`);
    assert.deepEqual(
      newest.body.map((p: Point) => p.time),
      times.slice(-3),
    );
    const from = await getJson(
      `${h.url}/vehicles/a/history?from=${encodeURIComponent(times[2])}&limit=2`,
    );
    assert.deepEqual(
      from.body.map((p: Point) => p.time),
      times.slice(2, 4),
    );
    const geo = await getJson(`${h.url}/vehicles/a/history?format=geojson`);
    assert.equal(
      (geo.body as unknown as { features: Array<{ geometry: { coordinates: unknown[] } }> })
        .features[0]?.geometry.coordinates.length,
      10,
    );
    const gpx = await contractFetch(`${h.url}/vehicles/a/history?format=gpx`);
    assert.match(gpx.headers.get('content-type') ?? '', /gpx/);
    assert.equal(((await gpx.text()).match(/<trkpt /g) ?? []).length, 10);
    const bad = await getJson(`${h.url}/vehicles/a/history?limit=abc`);
    assert.equal(bad.status, 400);
    assert.equal((bad.body as unknown as { error: string }).error, 'bad_query');
  });

  test('poison messages go to the dead-letter queue with a reason and are counted; good ones keep flowing', async () => {
    const dead: IncomingMessage[] = [];
    const sub = await h.broker.consume(deadLetterQueue(h.queue), async (message) => {
      dead.push(message);
      return { kind: 'ack' };
    });
    await h.publish(Buffer.from('not json'));
    await h.publish(
      Buffer.from(
        JSON.stringify({ vehicle: 'c', lat: 95, lng: 0, time: new Date().toISOString() }),
      ),
    );
    await h.publish(fixAt('c', 0, 0));
    await eventually(() => dead.length === 2);
    await eventually(async () => (await getJson(`${h.url}/vehicles/c`)).status === 200);
    assert.deepEqual(
      dead.map((m) => String(m.headers[REJECT_REASON_HEADER]).split(':')[0]).sort(),
      ['bad_coordinates', 'malformed'],
    );
    assert.ok(
      dead.some((m) => m.body.toString() === 'not json'),
      'the original body is kept for inspection',
    );
    assert.match(
      await h.metric('positions_rejected_total'),
      /positions_rejected_total\{reason="malformed"\} 1/,
    );
    await sub.cancel();
  });

  test('a glitch jump stays out of the live position, and is in history flagged as a jump', async () => {
    await h.publish(fixAt('j', 0, 0));
    await h.publish(fixAt('j', 1, 10));
    await h.publish({ ...fixAt('j', 2, 2_020), speed: 10 }); // 2 km in 1 s
    await h.publish(fixAt('j', 3, 30));
    const history = await eventually(async () => {
      const { body } = await getJson(`${h.url}/vehicles/j/history`);
      return body.length === 4 && body;
    });
    assert.deepEqual(
      history.map((p: { flags?: string[] }) => p.flags ?? []),
      [[], [], ['jump'], []],
    );
    const { body: vehicle } = await getJson(`${h.url}/vehicles/j`);
    assert.equal(vehicle.lat, fixAt('j', 3, 30).lat, 'the live position skipped the glitch');
    assert.equal(vehicle.heading, 0, 'heading not turned');
    assert.ok(vehicle.speed < 15, `speed ${vehicle.speed}`);
    // A trail drawn from GeoJSON or replayed from GPX has no spike.
    const geo: Json = await (
      await contractFetch(`${h.url}/vehicles/j/history?format=geojson`)
    ).json();
    assert.equal(geo.features[0].geometry.coordinates.length, 3);
    const gpx = await (await contractFetch(`${h.url}/vehicles/j/history?format=gpx`)).text();
    assert.equal(gpx.match(/<trkpt /g)?.length, 3);
  });

  test('a duplicate fix is stored once and counted as a duplicate', async () => {
    await h.publish(fixAt('d', 0, 0));
    await h.publish(fixAt('d', 0, 0));
    await h.publish(fixAt('d', 1, 5));
    await eventually(async () => (await getJson(`${h.url}/vehicles/d/history`)).body.length === 2);
    await eventually(async () =>
      /positions_duplicate_total 1/.test(await h.metric('positions_duplicate_total')),
    );
  });

  test('live stream: snapshot for a new client, live events with increasing ids, resume with Last-Event-ID', async () => {
    const first = await readSse(`${h.url}/stream`);
    assert.equal(first.status, 200);
    await first.until((events) => events.some((e) => e.event === 'snapshot-end'));
    const snapshot = first.events.filter((e) => e.event === 'position');
    assert.ok(snapshot.length >= 4, `snapshot of ${snapshot.length}`);
    await h.publish(fixAt('e', 0, 0));
    await h.publish(fixAt('e', 1, 10));
    await first.until((events) => events.filter((e) => e.event === 'position' && e.id).length >= 2);
    const live = first.events.filter((e) => e.event === 'position' && e.id);
    assert.ok(Number(live[1]!.id) > Number(live[0]!.id));
    first.close();

    // Missed while disconnected: two more fixes; resume from the first live id.
    await h.publish(fixAt('e', 2, 20));
    await h.publish(fixAt('e', 3, 30));
    const resumed = await readSse(`${h.url}/stream`, { 'last-event-id': live[0]!.id! });
    const got = await resumed.until(
      (events) => events.filter((e) => e.event === 'position').length >= 3,
    );
    resumed.close();
    for (const event of [...first.events, ...got]) assertStreamEvent(event);
    const times = got.map((e) => (JSON.parse(e.data) as { time: string }).time);
    assert.deepEqual(
      times.slice(0, 3),
      [1, 2, 3].map((s) => fixAt('e', s, 0).time.toISOString()),
    );
    assert.ok(
      got.every((e) => e.event === 'position'),
      'no snapshot when resuming',
    );
  });

  test('health: livez, readyz with checks, metrics with the contract names', async () => {
    assert.equal((await contractFetch(`${h.url}/livez`)).status, 200);
    const ready = await getJson(`${h.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual((ready.body as unknown as { checks: object }).checks, {
      store: true,
      broker: true,
      consumer: true,
    });
    const text = await (await contractFetch(`${h.url}/metrics`)).text();
    for (const name of [
      'positions_consumed_total',
      'position_e2e_latency_seconds_bucket',
      'vehicles_tracked',
      'sse_clients',
      'http_requests_total',
      'process_cpu_seconds_total',
    ]) {
      assert.match(text, new RegExp(`^${name}`, 'm'), name);
    }
    assert.match(
      text,
      /http_requests_total\{method="GET",route="\/vehicles\/:id",status="404"\}/,
      'route templates, not raw paths',
    );
  });
});

describe('offline/online transitions: one source for the stream and for subscribers (alerts)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ env: { OFFLINE_AFTER: '1s' } });
  });
  after(() => h.stop());

  test('a subscriber of RunningTracker.transitions sees what the stream sends as status events, in order', async () => {
    const seen: string[] = [];
    const unsubscribe = h.tracker.transitions.subscribe(({ kind, state, previousStatus }) =>
      seen.push(`${state.id} ${kind} (was ${previousStatus})`),
    );
    const stream = await readSse(`${h.url}/stream`);
    try {
      await h.publish({ ...fixAt('t', 0, 0), time: new Date() });
      await eventually(() => seen.length === 1, 10_000);
      await h.publish({ ...fixAt('t', 0, 10), time: new Date(), speed: 10 });
      await eventually(() => seen.length === 3, 10_000); // back online, then offline again
      assert.deepEqual(seen, [
        't offline (was idle)',
        't online (was offline)',
        't offline (was moving)',
      ]);
      const statuses = await stream.until(
        (events) => events.filter((e) => e.event === 'status').length === 3,
      );
      const status = statuses.filter((e) => e.event === 'status');
      for (const event of status) assertStreamEvent(event);
      assert.deepEqual(
        status.map((e) => {
          const data = JSON.parse(e.data) as { status: string; previousStatus: string };
          return `${data.status} (was ${data.previousStatus})`;
        }),
        ['offline (was idle)', 'moving (was offline)', 'offline (was moving)'],
      );
      const ids = status.map((e) => Number(e.id));
      assert.deepEqual(
        [...ids].sort((a, b) => a - b),
        ids,
        'sequenced in order',
      );
    } finally {
      stream.close();
      unsubscribe();
    }
  });
});
