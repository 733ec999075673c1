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
    await sleep(1200);
  });
  after(async () => {
    await simulator.stop();
    await broker.close();
  });

  it('publishes contract messages that the tracker parses', () => {
    assert.ok(
      messages.length >= 150,
      `${messages.length} messages in 1.2 s (40 vehicles, 5 fixes/s each)`,
    );
    const fixes: PositionFix[] = messages.map((message) => {
      assert.equal(message.contentType, 'application/json');
      const parsed = parsePositionMessage(message.body);
      assert.ok(parsed.ok, parsed.ok ? '' : `${parsed.reason}: ${parsed.detail}`);
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
  it('SPEEDUP fast-forwards: ten times the fixes per real second, real-time stamps', async () => {
    const broker = createBroker({ protocol: 'amqp-1.0', logger });
    const runs: number[] = [];
    for (const speedup of ['1', '10']) {
      const { simulator, queue } = await start(broker, {
        VEHICLES: '5',
        FIX_INTERVAL_MS: '500',
        SPEEDUP: speedup,
      });
      const { messages } = collect(broker, queue);
      await sleep(1000);
      await simulator.stop();
      runs.push(messages.length);
      for (const m of messages) assert.ok(parsePositionMessage(m.body).ok);
    }
    await broker.close();
    // 5 vehicles every 500 ms: ~10 in a second at 1×, ~100 at 10×.
    assert.ok(runs[0]! >= 8 && runs[0]! <= 15, `1×: ${runs[0]}`);
    assert.ok(runs[1]! >= 80 && runs[1]! <= 115, `10×: ${runs[1]}`);
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
