import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { deadLetterCopy } from './dead-letter.js';
import { handleDelivery, HandlerFailures, type DeliveryControls } from './settle-delivery.js';
import type { IncomingMessage, OutgoingMessage } from './types.js';

const incoming: IncomingMessage = {
  body: Buffer.from('{}'),
  contentType: 'application/json',
  correlationId: 'c-1',
  headers: { origin: 'sim', when: new Date('2024-01-01T00:00:00Z'), nested: { a: 1 }, gone: null },
  redelivered: false,
};

function recorder(publishFails = false) {
  const calls: string[] = [];
  const published: Array<{ queue: string; message: OutgoingMessage }> = [];
  const controls: DeliveryControls = {
    ack: () => calls.push('ack'),
    retry: () => calls.push('retry'),
    publish: async (queue, message) => {
      if (publishFails) throw new Error('broker down');
      published.push({ queue, message });
    },
  };
  return { calls, published, controls };
}

function capturingContext() {
  const lines: Array<{ level: string; msg: string }> = [];
  const logger = pino(
    { level: 'debug', formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => lines.push(JSON.parse(line) as { level: string; msg: string }) },
  );
  return {
    lines,
    context: {
      queue: 'q',
      logger,
      redeliveryDelayMs: 0,
      failures: new HandlerFailures(logger, 'q'),
    },
  };
}

describe('handleDelivery', () => {
  it('dead-letters to <queue>.DLQ first, then acks the original', async () => {
    const { calls, published, controls } = recorder();
    await handleDelivery(
      incoming,
      async () => ({ kind: 'dead-letter', reason: 'bad-json' }),
      controls,
      capturingContext().context,
    );
    assert.deepEqual(calls, ['ack']);
    assert.equal(published[0]!.queue, 'q.DLQ');
    assert.equal(published[0]!.message.headers?.['x-reject-reason'], 'bad-json');
  });

  it('retries instead of acking when the dead-letter publish fails', async () => {
    const { calls, controls } = recorder(true);
    await handleDelivery(
      incoming,
      async () => ({ kind: 'dead-letter', reason: 'bad-json' }),
      controls,
      capturingContext().context,
    );
    assert.deepEqual(calls, ['retry']);
  });

  it('logs a failure episode once at warn, then its recovery once', async () => {
    const { controls } = recorder();
    const { lines, context } = capturingContext();
    const failing = async (): Promise<never> => {
      throw new Error('db down');
    };
    for (let i = 0; i < 5; i++) await handleDelivery(incoming, failing, controls, context);
    await handleDelivery(incoming, async () => ({ kind: 'ack' }), controls, context);
    await handleDelivery(incoming, async () => ({ kind: 'ack' }), controls, context);
    assert.deepEqual(
      lines.map((line) => line.level),
      ['warn', 'debug', 'debug', 'debug', 'debug', 'info'],
    );
  });
});

describe('deadLetterCopy', () => {
  it('keeps body, content type, correlation id and headers (made AMQP-safe) and adds the reason', () => {
    const copy = deadLetterCopy(incoming, 'why');
    assert.equal(copy.body, incoming.body);
    assert.equal(copy.contentType, 'application/json');
    assert.equal(copy.correlationId, 'c-1');
    assert.deepEqual(copy.headers, {
      origin: 'sim',
      when: '2024-01-01T00:00:00.000Z',
      nested: '{"a":1}',
      'x-reject-reason': 'why',
    });
  });
});
