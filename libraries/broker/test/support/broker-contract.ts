/**
 * The broker port's behaviour against a REAL broker, shared by the ActiveMQ (AMQP 1.0) and
 * RabbitMQ (AMQP 0-9-1) suites. A missing or unreachable server fails the suite loudly.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import {
  createBroker,
  REJECT_REASON_HEADER,
  type Broker,
  type BrokerProtocol,
  type IncomingMessage,
} from '../../src/index.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface ContractOptions {
  /** Suite title. */
  title: string;
  protocol: BrokerProtocol;
  /** Env var with the broker URL, e.g. TEST_ACTIVEMQ_URL. */
  urlVariable: string;
  /** Name for `scripts/dev-servers/servers.sh restart <name>`. */
  serverName: string;
  /** Deletes the test's queues afterwards where the protocol makes that easy. */
  deleteQueues?: (url: string, queues: string[]) => Promise<void>;
}

export function brokerContract(options: ContractOptions): void {
  describe(options.title, () => {
    const runId = randomUUID().slice(0, 8);
    const queues: string[] = [];
    const brokers: Broker[] = [];
    let url = '';

    /** A fresh queue name for this test run (the servers are shared). */
    const queueName = (label: string): string => {
      const name = `fleetman-test-${runId}-${label}`;
      queues.push(name, `${name}.DLQ`);
      return name;
    };

    const newBroker = async (): Promise<Broker> => {
      const broker = createBroker({
        url,
        protocol: options.protocol,
        logger,
        connectTimeoutMs: 15_000,
        redeliveryDelayMs: 50,
        backoff: { initialMs: 100, maxMs: 2_000 },
      });
      brokers.push(broker);
      await broker.connect();
      return broker;
    };

    before(async () => {
      const configured = process.env[options.urlVariable];
      if (!configured) {
        throw new Error(
          `${options.urlVariable} is not set: start the test servers and export their URLs ` +
            '(bash scripts/dev-servers/servers.sh start && eval "$(bash scripts/dev-servers/servers.sh env)")',
        );
      }
      url = configured;
      await newBroker(); // unreachable → connect() rejects with the reason, failing the suite
    });

    after(async () => {
      await Promise.all(brokers.map((broker) => broker.close()));
      await options.deleteQueues?.(url, queues).catch(() => {});
    });

    it('round-trips body, content type, correlation id and headers', async () => {
      const broker = await newBroker();
      const queue = queueName('roundtrip');
      const received = new Promise<IncomingMessage>((resolve) => {
        void broker.consume(queue, async (message) => {
          resolve(message);
          return { kind: 'ack' };
        });
      });
      await broker.publish(queue, {
        body: Buffer.from(JSON.stringify({ vehicle: 'v1', lat: 1.5 })),
        correlationId: 'req-roundtrip',
        headers: { schema: 2, origin: 'test' },
      });
      const message = await received;
      assert.deepEqual(JSON.parse(message.body.toString()), { vehicle: 'v1', lat: 1.5 });
      assert.equal(message.contentType, 'application/json');
      assert.equal(message.correlationId, 'req-roundtrip');
      assert.equal(message.headers.schema, 2);
      assert.equal(message.headers.origin, 'test');
      assert.equal(message.redelivered, false);
    });

    it('never has more than prefetch handlers in flight', async () => {
      const broker = await newBroker();
      const queue = queueName('prefetch');
      const total = 30;
      await Promise.all(
        Array.from({ length: total }, (_, i) =>
          broker.publish(queue, { body: Buffer.from(String(i)) }),
        ),
      );
      let running = 0;
      let peak = 0;
      const seen = new Set<string>();
      await broker.consume(
        queue,
        async (message) => {
          running += 1;
          peak = Math.max(peak, running);
          await sleep(20);
          running -= 1;
          seen.add(message.body.toString());
          return { kind: 'ack' };
        },
        { prefetch: 3 },
      );
      await waitFor(
        () => seen.size === total,
        30_000,
        () => `consumed ${seen.size}/${total}`,
      );
      assert.ok(peak <= 3, `peak in flight ${peak} exceeds prefetch 3`);
      assert.ok(peak >= 2, `handlers should overlap up to prefetch (peak ${peak})`);
    });

    it('redelivers, flagged, a message whose handler threw', async () => {
      const broker = await newBroker();
      const queue = queueName('redeliver');
      const attempts: IncomingMessage[] = [];
      await broker.consume(queue, async (message) => {
        attempts.push(message);
        if (attempts.length === 1) throw new Error('simulated database outage');
        return { kind: 'ack' };
      });
      await broker.publish(queue, { body: Buffer.from('retry-me'), correlationId: 'req-retry' });
      await waitFor(
        () => attempts.length >= 2,
        20_000,
        () => `${attempts.length} attempts`,
      );
      assert.equal(attempts[0]!.redelivered, false);
      assert.equal(attempts[1]!.redelivered, true);
      assert.equal(attempts[1]!.body.toString(), 'retry-me');
      assert.equal(attempts[1]!.correlationId, 'req-retry');
      await sleep(300);
      assert.equal(attempts.length, 2, 'acked on the second attempt, so not delivered again');
    });

    it('dead-letters to <queue>.DLQ with the reason, then settles the original', async () => {
      const broker = await newBroker();
      const queue = queueName('deadletter');
      let handled = 0;
      await broker.consume(queue, async () => {
        handled += 1;
        return { kind: 'dead-letter', reason: 'invalid-schema' };
      });
      const dead = new Promise<IncomingMessage>((resolve) => {
        void broker.consume(`${queue}.DLQ`, async (message) => {
          resolve(message);
          return { kind: 'ack' };
        });
      });
      await broker.publish(queue, {
        body: Buffer.from('{"not":"a position"}'),
        correlationId: 'req-dead',
        headers: { origin: 'test' },
      });
      const message = await dead;
      assert.equal(message.body.toString(), '{"not":"a position"}');
      assert.equal(message.contentType, 'application/json');
      assert.equal(message.correlationId, 'req-dead');
      assert.equal(message.headers[REJECT_REASON_HEADER], 'invalid-schema');
      assert.equal(message.headers.origin, 'test');
      await sleep(300);
      assert.equal(handled, 1, 'the original was settled, not redelivered');
    });

    it('loses nothing when the broker restarts mid-stream', { timeout: 240_000 }, async () => {
      const producer = await newBroker();
      const consumer = await newBroker();
      const queue = queueName('restart');
      const total = 300;
      const consumed = new Set<number>();
      let deliveries = 0;
      await consumer.consume(
        queue,
        async (message) => {
          deliveries += 1;
          consumed.add(Number(message.body.toString()));
          await sleep(2);
          return { kind: 'ack' };
        },
        { prefetch: 10 },
      );

      let sawDisconnect = false;
      const watch = setInterval(() => {
        if (!producer.isConnected() || !consumer.isConnected()) sawDisconnect = true;
      }, 20);
      let restart: Promise<unknown> | undefined;
      const published: Array<Promise<void>> = [];
      const startedAt = Date.now();
      for (let i = 0; i < total; i++) {
        if (i === 50) {
          restart = run('bash', ['scripts/dev-servers/servers.sh', 'restart', options.serverName], {
            cwd: repoRoot,
            timeout: 180_000,
          });
        }
        published.push(
          producer.publish(queue, { body: Buffer.from(String(i)), correlationId: `req-${i}` }),
        );
        await sleep(10); // a steady stream, so publishes straddle the restart
      }
      try {
        await restart;
        await Promise.all(published);
        await waitFor(
          () => consumed.size === total,
          120_000,
          () => `consumed ${consumed.size}/${total}`,
        );
      } finally {
        clearInterval(watch);
      }
      const missing = Array.from({ length: total }, (_, i) => i).filter((i) => !consumed.has(i));
      assert.deepEqual(missing, []);
      assert.ok(sawDisconnect, 'the restart should have been observed as a disconnect');
      assert.ok(producer.isConnected() && consumer.isConnected());
      logger.info({ total, deliveries, seconds: (Date.now() - startedAt) / 1000 }, 'restart run');
      console.log(
        `# restart: ${total} published, ${deliveries} deliveries (${deliveries - total} duplicates), ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
      );
    });

    it('close() lets in-flight handlers finish and settles their messages', async () => {
      const broker = await newBroker();
      const queue = queueName('drain');
      let started = 0;
      let finished = 0;
      await broker.consume(
        queue,
        async () => {
          started += 1;
          await sleep(400);
          finished += 1;
          return { kind: 'ack' };
        },
        { prefetch: 5 },
      );
      await Promise.all(
        [1, 2, 3].map((n) => broker.publish(queue, { body: Buffer.from(String(n)) })),
      );
      await waitFor(
        () => started === 3,
        10_000,
        () => `${started} started`,
      );
      await broker.close();
      assert.equal(finished, 3, 'close() returned before in-flight handlers finished');
      assert.equal(broker.isConnected(), false);
      await assert.rejects(broker.publish(queue, { body: Buffer.from('late') }), /closed/);

      // Acked before the close: a new consumer finds the queue empty.
      const checker = await newBroker();
      let leftovers = 0;
      await checker.consume(queue, async () => {
        leftovers += 1;
        return { kind: 'ack' };
      });
      await sleep(1_000);
      assert.equal(leftovers, 0);
    });
  });
}

async function waitFor(
  condition: () => boolean,
  timeoutMs: number,
  describeState: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms: ${describeState()}`);
    await sleep(20);
  }
}
