import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { InProcessBroker } from './in-process.js';
import { REJECT_REASON_HEADER, type IncomingMessage } from './types.js';

const logger = pino({ level: 'silent' });
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets every promise that can settle now do so (real setImmediate: it is never faked here). */
async function flushPromises(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('InProcessBroker', () => {
  it('delivers body, content type, correlation id and headers intact', async () => {
    const broker = new InProcessBroker({ logger });
    await broker.connect();
    const received = deferred<IncomingMessage>();
    await broker.consume('q', async (message) => {
      received.resolve(message);
      return { kind: 'ack' };
    });
    await broker.publish('q', {
      body: json({ vehicle: 'v1' }),
      correlationId: 'req-42',
      headers: { schema: 2 },
    });
    const message = await received.promise;
    assert.deepEqual(JSON.parse(message.body.toString()), { vehicle: 'v1' });
    assert.equal(message.contentType, 'application/json');
    assert.equal(message.correlationId, 'req-42');
    assert.deepEqual(message.headers, { schema: 2 });
    assert.equal(message.redelivered, false);
    await broker.close();
  });

  it('never runs more than prefetch handlers at once', async () => {
    const broker = new InProcessBroker({ logger });
    let running = 0;
    let peak = 0;
    let done = 0;
    await broker.consume(
      'q',
      async () => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(5);
        running -= 1;
        done += 1;
        return { kind: 'ack' };
      },
      { prefetch: 3 },
    );
    await Promise.all(Array.from({ length: 30 }, (_, i) => broker.publish('q', { body: json(i) })));
    await until(() => done === 30);
    assert.equal(peak, 3);
    await broker.close();
  });

  it('redelivers, flagged and after a pause, a message whose handler threw', async () => {
    const broker = new InProcessBroker({ logger, redeliveryDelayMs: 50 });
    const seen: boolean[] = [];
    const failed = deferred();
    await broker.consume('q', async (message) => {
      seen.push(message.redelivered);
      if (seen.length === 1) {
        failed.resolve();
        throw new Error('database down');
      }
      return { kind: 'ack' };
    });
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      await broker.publish('q', { body: json('x') });
      await failed.promise;
      await flushPromises();
      mock.timers.tick(49);
      await flushPromises();
      assert.deepEqual(
        seen,
        [false],
        'a failing handler must not spin: no redelivery before the pause',
      );
      mock.timers.tick(1);
      await flushPromises();
    } finally {
      mock.timers.reset();
    }
    assert.deepEqual(seen, [false, true]);
    await sleep(80);
    assert.equal(seen.length, 2, 'acked after the retry, so not delivered again');
    await broker.close();
  });

  it('dead-letters to <queue>.DLQ with the reason, keeping the correlation id and headers', async () => {
    const broker = new InProcessBroker({ logger });
    let handled = 0;
    await broker.consume('positions', async () => {
      handled += 1;
      return { kind: 'dead-letter', reason: 'invalid-schema' };
    });
    await broker.publish('positions', {
      body: Buffer.from('not json'),
      contentType: 'text/plain',
      correlationId: 'c1',
      headers: { a: 'b' },
    });
    await until(() => broker.depth('positions.DLQ') === 1);
    const [dead] = broker.peek('positions.DLQ');
    assert.equal(dead!.body.toString(), 'not json');
    assert.equal(dead!.contentType, 'text/plain');
    assert.equal(dead!.correlationId, 'c1');
    assert.deepEqual(dead!.headers, { a: 'b', [REJECT_REASON_HEADER]: 'invalid-schema' });
    assert.equal(handled, 1);
    assert.equal(broker.depth('positions'), 0);
    await broker.close();
  });

  it('keeps a bounded dead-letter queue, dropping the oldest', async () => {
    const broker = new InProcessBroker({ logger, deadLetterCapacity: 2 });
    for (const n of [1, 2, 3]) await broker.publish('q.DLQ', { body: json(n) });
    assert.deepEqual(
      broker.peek('q.DLQ').map((m) => JSON.parse(m.body.toString())),
      [2, 3],
    );
    await broker.close();
  });

  it('makes publish wait while the queue is full (backpressure)', async () => {
    const broker = new InProcessBroker({ logger, queueCapacity: 2 });
    await broker.publish('q', { body: json(1) });
    await broker.publish('q', { body: json(2) });
    let thirdDone = false;
    const third = broker.publish('q', { body: json(3) }).then(() => (thirdDone = true));
    await sleep(20);
    assert.equal(thirdDone, false);
    const bodies: number[] = [];
    await broker.consume('q', async (message) => {
      bodies.push(JSON.parse(message.body.toString()) as number);
      return { kind: 'ack' };
    });
    await third;
    await until(() => bodies.length === 3);
    assert.deepEqual(bodies, [1, 2, 3]);
    await broker.close();
  });

  it('close() lets in-flight handlers finish, then refuses publishes', async () => {
    const broker = new InProcessBroker({ logger });
    const started = deferred();
    let finished = false;
    await broker.consume('q', async () => {
      started.resolve();
      await sleep(50);
      finished = true;
      return { kind: 'ack' };
    });
    await broker.publish('q', { body: json(1) });
    await started.promise;
    await broker.close();
    assert.equal(finished, true);
    assert.equal(broker.isConnected(), false);
    await assert.rejects(broker.publish('q', { body: json(2) }), /closed/);
  });

  it('close() gives up on a stuck handler after the drain timeout', async () => {
    const broker = new InProcessBroker({ logger, drainTimeoutMs: 30 });
    const started = deferred();
    await broker.consume('q', async () => {
      started.resolve();
      return new Promise(() => {});
    });
    await broker.publish('q', { body: json(1) });
    await started.promise;
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let closed = false;
      const closing = broker.close().then(() => (closed = true));
      await flushPromises();
      assert.equal(closed, false, 'close() waits for the handler while the drain timeout runs');
      mock.timers.tick(30);
      await closing;
    } finally {
      mock.timers.reset();
    }
  });

  it('cancel() stops deliveries to that subscription; others keep going', async () => {
    const broker = new InProcessBroker({ logger });
    const first: number[] = [];
    const second: number[] = [];
    const subscription = await broker.consume('q', async (m) => {
      first.push(JSON.parse(m.body.toString()) as number);
      return { kind: 'ack' };
    });
    await broker.publish('q', { body: json(1) });
    await until(() => first.length === 1);
    await subscription.cancel();
    await broker.publish('q', { body: json(2) });
    await sleep(20);
    assert.equal(broker.depth('q'), 1, 'kept for a future consumer');
    await broker.consume('q', async (m) => {
      second.push(JSON.parse(m.body.toString()) as number);
      return { kind: 'ack' };
    });
    await until(() => second.length === 1);
    assert.deepEqual([first, second], [[1], [2]]);
    await broker.close();
  });

  it('treats a missing outcome as a failure to retry, not as an ack', async () => {
    const broker = new InProcessBroker({ logger, redeliveryDelayMs: 1 });
    let calls = 0;
    await broker.consume('q', async () => {
      calls += 1;
      return (calls === 1 ? undefined : { kind: 'ack' }) as never;
    });
    await broker.publish('q', { body: json(1) });
    await until(() => calls === 2);
    await broker.close();
  });
});
