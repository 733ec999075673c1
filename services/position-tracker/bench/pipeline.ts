/**
 * npm run bench:pipeline — the tracker against real ActiveMQ (AMQP 1.0) and FerretDB, with the
 * ceilings measured in the same run:
 *   1. raw broker: publish + consume + accept, no processing;
 *   2. raw store: batched inserts of position records;
 *   3. tracker, saturated: sustained positions/s from first publish to last stored, loss check;
 *   4. tracker at a fixed rate (half the sustained one): latency fix → stored → on the SSE stream.
 * Needs the servers (bash scripts/dev-servers/servers.sh start; eval "$(bash scripts/dev-servers/servers.sh env)").
 * Sizes: BENCH_MESSAGES (default 20000), BENCH_VEHICLES (1000), BENCH_LATENCY_SECONDS (15).
 */
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { createBroker, type Broker } from '@fleetman/broker';
import { encodePosition, type PositionFix } from '@fleetman/contract';
import { createLogger, createRegistry, loadConfig } from '@fleetman/service-kit';
import { MongoStore, startTracker, trackerConfigSchema } from '../src/service.js';
import type { PositionRecord } from '../src/data/position-store.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const VEHICLES = Number(process.env.BENCH_VEHICLES ?? 1_000);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 15);
const brokerUrl = process.env.TEST_ACTIVEMQ_URL;
const mongoUrl = process.env.TEST_MONGO_URL;
if (!brokerUrl || !mongoUrl) {
  console.error(
    'bench:pipeline needs TEST_ACTIVEMQ_URL and TEST_MONGO_URL: bash scripts/dev-servers/servers.sh start && eval "$(bash scripts/dev-servers/servers.sh env)"',
  );
  process.exit(2);
}

const logger = createLogger({
  service: 'bench',
  level: (process.env.LOG_LEVEL as 'warn' | undefined) ?? 'warn',
});
const run = `${Date.now().toString(36)}`;
const newBroker = (): Broker =>
  createBroker({ url: brokerUrl, protocol: 'amqp-1.0', logger, maxPendingPublishes: 2_000 });
const T0 = Date.now() - 3_600_000;
const fixNo = (i: number, time?: Date): PositionFix => ({
  vehicle: `bench-${String(i % VEHICLES).padStart(5, '0')}`,
  name: `Bench ${i % VEHICLES}`,
  lat: 57.7 + (Math.floor(i / VEHICLES) * 10) / 111_337.9,
  lng: 11.9 + (i % VEHICLES) * 1e-3,
  time: time ?? new Date(T0 + Math.floor(i / VEHICLES) * 1000),
});

/** Publishes `count` messages with at most `window` unconfirmed at once. */
async function publishAll(
  broker: Broker,
  queue: string,
  count: number,
  window = 1_000,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < count) {
        const i = next++;
        await broker.publish(queue, { body: encodePosition(fixNo(i)) });
      }
    }),
  );
}

async function rawBroker(): Promise<number> {
  const broker = newBroker();
  await broker.connect();
  const queue = `bench.raw.${run}`;
  let consumed = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  await broker.consume(
    queue,
    async () => {
      if (++consumed === MESSAGES) finish();
      return { kind: 'ack' };
    },
    { prefetch: 500 },
  );
  const started = performance.now();
  await publishAll(broker, queue, MESSAGES);
  await done;
  const rate = MESSAGES / ((performance.now() - started) / 1000);
  await broker.close();
  return rate;
}

async function rawStore(): Promise<number> {
  const store = new MongoStore({
    url: mongoUrl!,
    database: `bench_raw_${run}`,
    retention: 'auto',
    retentionMs: 86_400_000,
    logger,
  });
  await store.init();
  const batch = 500;
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i += batch) {
    const records: PositionRecord[] = [];
    for (let j = i; j < Math.min(MESSAGES, i + batch); j++)
      records.push({ ...fixNo(j), speed: 10, heading: 90, receivedAt: new Date() });
    await store.insertPositions(records);
  }
  const rate = MESSAGES / ((performance.now() - started) / 1000);
  await store.close();
  return rate;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function trackerRuns(ceiling: number): Promise<{
  sustained: number;
  lost: number;
  stored: number[];
  streamed: number[];
  rate: number;
  latencyCount: number;
}> {
  const database = `bench_tracker_${run}`;
  const queue = `bench.tracker.${run}`;
  const config = loadConfig(trackerConfigSchema, {
    PORT: '0',
    QUEUE_NAME: queue,
    LOG_LEVEL: 'warn',
    MONGO_DATABASE: database,
  });
  // Instrument the store to time "stored" per fix (the bench measures; the tracker is unchanged).
  const storedAt = new Map<string, number>();
  const store = new (class extends MongoStore {
    override async insertPositions(records: PositionRecord[]) {
      const fresh = await super.insertPositions(records);
      const now = performance.timeOrigin + performance.now();
      for (const r of records) storedAt.set(`${r.vehicle}@${r.time.getTime()}`, now);
      return fresh;
    }
  })({ url: mongoUrl!, database, retention: 'auto', retentionMs: 86_400_000, logger });
  const trackerBroker = newBroker();
  const tracker = await startTracker({
    config,
    logger,
    registry: createRegistry(),
    broker: trackerBroker,
    store,
  });
  const producer = newBroker();
  await producer.connect();

  // Saturated: everything as fast as the broker takes it.
  const started = performance.now();
  await publishAll(producer, queue, MESSAGES);
  let progress = performance.now();
  while (storedAt.size < MESSAGES && performance.now() - started < 600_000) {
    await new Promise((r) => setTimeout(r, 20));
    if (performance.now() - progress > 5_000) {
      progress = performance.now();
      console.error(`  … ${storedAt.size}/${MESSAGES} stored`);
    }
  }
  const sustained = storedAt.size / ((performance.now() - started) / 1000);
  // One count straight from the database (1,000 history queries would measure FerretDB's scans).
  const counter = new MongoClient(mongoUrl!);
  const storedCount = await counter.db(database).collection('positions').countDocuments();
  await counter.close();
  const lost = MESSAGES - storedCount;

  // Fixed rate: latency fix time → stored → received on the live stream.
  // Half of what the slowest part can take: a latency measured in a queue says nothing.
  const rate = Math.max(50, Math.round(Math.min(sustained, ceiling) / 2));
  storedAt.clear();
  const streamedAt = new Map<string, number>();
  const controller = new AbortController();
  const response = await fetch(`${tracker.server.url}/stream`, { signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const now = performance.timeOrigin + performance.now();
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (!data || !block.includes('\nevent: position')) continue;
          const event = JSON.parse(data.slice(6)) as { id: string; time: string };
          streamedAt.set(`${event.id}@${Date.parse(event.time)}`, now);
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  const sent: string[] = [];
  const total = rate * LATENCY_SECONDS;
  const begin = performance.now();
  for (let i = 0; i < total; i++) {
    const due = begin + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const fix = fixNo(MESSAGES + i, new Date());
    sent.push(`${fix.vehicle}@${fix.time.getTime()}`);
    void producer.publish(queue, { body: encodePosition(fix) });
  }
  const deadline = performance.now() + 60_000;
  while (sent.some((key) => !streamedAt.has(key)) && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  controller.abort();
  const latency = (at: Map<string, number>) =>
    sent
      .filter((key) => at.has(key))
      .map((key) => (at.get(key) as number) - Number(key.split('@')[1]))
      .sort((a, b) => a - b);

  await producer.close();
  await tracker.stop();
  await trackerBroker.close();
  return {
    sustained,
    lost,
    stored: latency(storedAt),
    streamed: latency(streamedAt),
    rate,
    latencyCount: sent.length,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  `Fleetman pipeline benchmark — ${MESSAGES} messages, ${VEHICLES} vehicles, ActiveMQ (AMQP 1.0) + FerretDB, node ${process.version}`,
);
const brokerCeiling = await rawBroker();
console.log(`raw broker (publish + consume + accept)   ${fmt(brokerCeiling)} msg/s`);
const storeCeiling = await rawStore();
console.log(`raw store (batched inserts of 500)        ${fmt(storeCeiling)} records/s`);
const lower = Math.min(brokerCeiling, storeCeiling);
const result = await trackerRuns(lower);
console.log(
  `tracker sustained (saturated)             ${fmt(result.sustained)} positions/s = ${Math.round((100 * result.sustained) / lower)} % of the lower ceiling; lost ${result.lost}`,
);
const row = (label: string, values: number[]) =>
  console.log(
    `${label.padEnd(42)}p50 ${fmt(quantile(values, 0.5))} ms  p95 ${fmt(quantile(values, 0.95))} ms  p99 ${fmt(quantile(values, 0.99))} ms  (${values.length}/${result.latencyCount})`,
  );
console.log(`latency at ${fmt(result.rate)} positions/s for ${LATENCY_SECONDS} s:`);
row('  fix → stored', result.stored);
row('  fix → on the SSE stream', result.streamed);
process.exit(result.lost === 0 ? 0 : 1);
