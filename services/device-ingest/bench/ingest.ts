/**
 * bench:ingest — accepted fixes per second and request latency per protocol, through a real
 * broker: a device-ingest in this process (registry in memory: its cost after the first check
 * is a cache hit), BENCH_DEVICES simulated phones each sending its next request as soon as the
 * previous one is answered (what a phone emptying its buffer does), for BENCH_SECONDS per
 * protocol. A consumer on the same broker drains the queue so it never fills up. Prints one line
 * per protocol; nothing is asserted (figures depend on the machine).
 *
 *   npm run bench:ingest            # ActiveMQ from TEST_ACTIVEMQ_URL (servers.sh env)
 *   BENCH_BROKER_URL=amqp://… BENCH_SECONDS=20 BENCH_DEVICES=64 npm run bench:ingest
 */
import { createBroker } from '@fleetman/broker';
import { createLogger, createRegistry, loadConfig } from '@fleetman/service-kit';
import {
  basic,
  osmAndQuery,
  ownTracksLocation,
  traccarClientJson,
  type FixValues,
} from '../test/fixtures/device-requests.js';
import { ingestConfigSchema, MemoryDeviceStore, startIngest } from '../src/service.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const devices = Number(process.env.BENCH_DEVICES ?? 32);
const batchSize = Number(process.env.BENCH_BATCH ?? 50);
const brokerUrl = process.env.BENCH_BROKER_URL ?? process.env.TEST_ACTIVEMQ_URL;
const logger = createLogger({ service: 'bench-ingest', level: 'warn' });

interface Scenario {
  name: string;
  fixesPerRequest: number;
  request(
    device: number,
    secret: string,
    fix: (offset: number) => FixValues,
  ): [string, RequestInit];
}

async function main(): Promise<void> {
  const queue = `bench.ingest.${Date.now().toString(36)}`;
  const broker = createBroker({ url: brokerUrl, protocol: 'amqp-1.0', logger });
  const drain = brokerUrl ? createBroker({ url: brokerUrl, protocol: 'amqp-1.0', logger }) : broker;
  const config = loadConfig(ingestConfigSchema, {
    PORT: '0',
    ADMIN_PORT: '0',
    QUEUE_NAME: queue,
    LOG_LEVEL: 'warn',
    DEVICE_RATE_LIMIT: '100000',
    DEVICE_BURST: '100000',
  });
  const ingest = await startIngest({
    config,
    logger,
    registry: createRegistry(),
    broker,
    store: new MemoryDeviceStore(),
  });
  await drain.connect();
  let drained = 0;
  const subscription = await drain.consume(
    queue,
    async () => {
      drained++;
      return { kind: 'ack' };
    },
    { prefetch: 1000 },
  );

  const secrets: string[] = [];
  for (let d = 0; d < devices; d++) {
    secrets.push(
      (await ingest.devices.register({ id: `bench-${d}`, vehicle: `bench-${d}` })).secret,
    );
  }
  const url = ingest.server.url;
  const scenarios: Scenario[] = [
    {
      name: 'osmand query (GET)',
      fixesPerRequest: 1,
      request: (d, secret, fix) => [`${url}/?${osmAndQuery(fix(0), secret)}`, {}],
    },
    {
      name: 'osmand Traccar Client 9 JSON',
      fixesPerRequest: 1,
      request: (d, secret, fix) => [
        `${url}/?token=${secret}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: traccarClientJson(`bench-${d}`, [fix(0)]),
        },
      ],
    },
    {
      name: `osmand JSON batch of ${batchSize}`,
      fixesPerRequest: batchSize,
      request: (d, secret, fix) => [
        `${url}/?token=${secret}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: traccarClientJson(
            `bench-${d}`,
            Array.from({ length: batchSize }, (_, i) => fix(i)),
          ),
        },
      ],
    },
    {
      name: 'owntracks',
      fixesPerRequest: 1,
      request: (d, secret, fix) => [
        `${url}/owntracks`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: basic(`bench-${d}`, secret),
          },
          body: ownTracksLocation(fix(0)),
        },
      ],
    },
  ];

  // One request per device first: each device's first request pays one scrypt check (then the
  // registry cache answers), which is setup, not throughput.
  await Promise.all(
    secrets.map((secret, d) =>
      fetch(
        `${url}/?${osmAndQuery({ id: `bench-${d}`, time: Date.now() - 7_200_000, lat: 57.7, lon: 11.97 }, secret)}`,
      ).then((response) => response.arrayBuffer()),
    ),
  );
  console.log(
    `bench:ingest — ${devices} devices, ${seconds} s per protocol, broker ${brokerUrl ? 'AMQP 1.0 (real)' : 'in-process (no BENCH_BROKER_URL / TEST_ACTIVEMQ_URL)'}, node ${process.version}`,
  );
  for (const scenario of scenarios) {
    const latencies: number[] = [];
    let accepted = 0;
    let failed = 0;
    // Fix times march forward per device from an hour ago: recent, distinct, never future.
    let clock = Date.now() - 3_600_000;
    const deadline = Date.now() + seconds * 1000;
    const started = process.hrtime.bigint();
    await Promise.all(
      secrets.map(async (secret, d) => {
        while (Date.now() < deadline) {
          const base = (clock += scenario.fixesPerRequest * 10);
          const [target, init] = scenario.request(d, secret, (i) => ({
            id: `bench-${d}`,
            time: base + i * 10,
            lat: 57.7 + d / 1000,
            lon: 11.97 + i / 100_000,
            speedMps: 10,
          }));
          const sent = process.hrtime.bigint();
          const response = await fetch(target, init);
          await response.arrayBuffer();
          latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
          if (response.status === 200) accepted += scenario.fixesPerRequest;
          else failed++;
        }
      }),
    );
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    console.log(
      `${scenario.name.padEnd(32)} ${String(Math.round(accepted / elapsed)).padStart(7)} fixes/s  ${String(Math.round(latencies.length / elapsed)).padStart(6)} req/s  p50 ${at(0.5).toFixed(1)} ms  p99 ${at(0.99).toFixed(1)} ms  failed ${failed}`,
    );
  }
  await subscription.cancel();
  await ingest.stop();
  await broker.close();
  if (drain !== broker) await drain.close();
  console.log(`drained ${drained} messages from ${queue}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
