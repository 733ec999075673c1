import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createBroker, type Broker, type IncomingMessage } from '@fleetman/broker';
import { parsePositionMessage, type PositionFix } from '@fleetman/contract';
import { createLogger, createRegistry, loadConfig } from '@fleetman/service-kit';
import { simulatorConfigSchema, startSimulator, type RunningSimulator } from '../src/service.js';

const logger = createLogger({ service: 'position-simulator-test', level: 'silent' });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits for a state (how long it takes depends on the machine, so nothing asserts on that). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(20);
}
const fixesOf = (messages: IncomingMessage[]) =>
  messages.map((message) => {
    const parsed = parsePositionMessage(message.body);
    assert.ok(parsed.ok, parsed.ok ? '' : `${parsed.reason}: ${parsed.detail}`);
    return parsed;
  });

async function start(broker: Broker, env: Record<string, string>) {
  const queue = `positions-${randomUUID()}`;
  const config = loadConfig(simulatorConfigSchema, { PORT: '0', QUEUE_NAME: queue, ...env });
  const simulator = await startSimulator({ config, logger, registry: createRegistry(), broker });
  return { simulator, queue };
}

function collect(broker: Broker, queue: string) {
  const messages: IncomingMessage[] = [];
  const subscription = broker.consume(queue, async (message) => {
    messages.push(message);
    return { kind: 'ack' };
  });
  return { messages, subscription };
}

describe('position-simulator with the in-process broker', () => {
  const broker = createBroker({ protocol: 'amqp-1.0', logger });
  let simulator: RunningSimulator;
  let messages: IncomingMessage[];
  let startedAt: number;

  before(async () => {
    startedAt = Date.now();
    const started = await start(broker, { VEHICLES: '40', FIX_INTERVAL_MS: '200' });
    simulator = started.simulator;
    ({ messages } = collect(broker, started.queue));
    // Every vehicle a few times (40 vehicles, 5 fixes/s each).
    await until(() => {
      const counts = new Map<string, number>();
      for (const { fix } of fixesOf(messages).filter((p) => p.ok))
        counts.set(fix.vehicle, (counts.get(fix.vehicle) ?? 0) + 1);
      return counts.size === 40 && [...counts.values()].every((n) => n >= 3);
    });
  });
  after(async () => {
    await simulator.stop();
    await broker.close();
  });

  it('publishes contract messages that the tracker parses', () => {
    for (const message of messages) assert.equal(message.contentType, 'application/json');
    const fixes: PositionFix[] = fixesOf(messages).map((parsed) => {
      assert.ok(parsed.ok);
      assert.equal(parsed.format, 'v1');
      return parsed.fix;
    });
    const vehicles = new Set(fixes.map((f) => f.vehicle));
    assert.equal(vehicles.size, 40);
    assert.ok(vehicles.has('vehicle-0001') && vehicles.has('vehicle-0040'));
    assert.ok(fixes.some((f) => f.name === 'City Truck 7'));
    for (const fix of fixes) {
      assert.ok(
        fix.lat > 57.6 && fix.lat < 57.8 && fix.lng > 11.8 && fix.lng < 12.1,
        'in Gothenburg',
      );
      assert.ok(
        fix.time.getTime() >= startedAt && fix.time.getTime() <= Date.now(),
        'stamped now, never ahead',
      );
      assert.ok(fix.speed !== undefined && fix.heading !== undefined && fix.accuracy === 4.5);
    }
  });

  it('gives every message its own correlation id (the request id of that fix)', () => {
    const ids = messages.map((m) => m.correlationId ?? '');
    assert.ok(ids.every((id) => UUID.test(id)));
    assert.equal(new Set(ids).size, ids.length);
  });

  it('serves health and the published-positions metric', async () => {
    const url = simulator.server.url;
    assert.equal((await fetch(`${url}/livez`)).status, 200);
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200, await ready.text());
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const published = Number(/^positions_published_total (\d+)/m.exec(metrics)?.[1]);
    assert.ok(
      published >= messages.length - 64,
      `${published} published, ${messages.length} received`,
    );
    assert.match(metrics, /^simulator_vehicles 40$/m);
    assert.match(metrics, /^simulator_lag_seconds /m);
  });

  it('stops publishing when stopped', async () => {
    await simulator.stop();
    await sleep(50);
    const count = messages.length;
    await sleep(400);
    assert.equal(messages.length, count);
    await assert.rejects(fetch(`${simulator.server.url}/livez`));
  });
});

describe('position-simulator settings', () => {
  it('SPEEDUP fast-forwards on the simulated clock: true speeds and fix intervals, never ahead of now', async () => {
    const broker = createBroker({ protocol: 'amqp-1.0', logger });
    const runs: Array<{ gaps: number[]; speeds: number[]; firstAgoMs: number }> = [];
    for (const speedup of ['1', '10']) {
      const startedAt = Date.now();
      const { simulator, queue } = await start(broker, {
        VEHICLES: '2',
        FIX_INTERVAL_MS: '500',
        SPEEDUP: speedup,
        SPEEDUP_FOR: '10s',
      });
      const { messages } = collect(broker, queue);
      // fixesOf fails on any message the tracker would reject (a speed over 150 m/s, a future time).
      const ofFirst = () =>
        fixesOf(messages).flatMap((p) => (p.ok && p.fix.vehicle === 'vehicle-0001' ? [p.fix] : []));
      await until(() => ofFirst().length >= 20);
      await simulator.stop();
      const fixes = ofFirst();
      const times = fixes.map((fix) => fix.time.getTime());
      assert.ok(
        times.every((time) => time <= Date.now()),
        `${speedup}×: never dated in the future`,
      );
      runs.push({
        gaps: times.slice(1).map((time, i) => time - times[i]!),
        speeds: fixes.map((fix) => fix.speed ?? 0),
        firstAgoMs: startedAt - times[0]!,
      });
    }
    await broker.close();
    const [real, fast] = runs as [(typeof runs)[0], (typeof runs)[0]];
    // One fix every 500 simulated ms in both: the stamps are simulated time.
    for (const gap of [...real.gaps, ...fast.gaps]) assert.equal(gap, 500);
    // The same fleet (same seed) from the same point of its tracks: the same speeds.
    assert.deepEqual(fast.speeds, real.speeds);
    assert.ok(Math.max(...fast.speeds) < 30, `speeds ${fast.speeds}`);
    // 10× for 10 s: the simulation started 90 s in the past.
    assert.ok(Math.abs(fast.firstAgoMs - 90_000) < 5_000, `started ${fast.firstAgoMs} ms ago`);
    assert.ok(real.firstAgoMs < 5_000, `1×: started ${real.firstAgoMs} ms ago`);
  });

  it('refuses to start on a malformed track, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetman-bad-tracks-'));
    try {
      await writeFile(
        join(dir, 'broken.gpx'),
        '<gpx><trkpt lat="57.7"/><trkpt lat="57.7" lon="11.9"/></gpx>',
      );
      const broker = createBroker({ protocol: 'amqp-1.0', logger });
      await assert.rejects(
        start(broker, { TRACKS_DIR: dir }),
        /broken\.gpx: trkpt #1: missing lon attribute/,
      );
      await broker.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
