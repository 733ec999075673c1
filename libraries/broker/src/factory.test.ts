import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Amqp091Broker } from './amqp091.js';
import { Amqp10Broker } from './amqp10.js';
import { createBroker } from './factory.js';
import { InProcessBroker } from './in-process.js';

const logger = pino({ level: 'silent' });

describe('createBroker', () => {
  it('embeds the in-process broker when no URL is configured', () => {
    assert.ok(createBroker({ protocol: 'amqp-1.0', logger }) instanceof InProcessBroker);
    assert.ok(createBroker({ url: '', protocol: 'amqp-1.0', logger }) instanceof InProcessBroker);
  });

  it('picks the adapter by protocol, without connecting', () => {
    assert.ok(
      createBroker({ url: 'amqp://h:5672', protocol: 'amqp-1.0', logger }) instanceof Amqp10Broker,
    );
    assert.ok(
      createBroker({ url: 'amqp://h:5672', protocol: 'amqp-0-9-1', logger }) instanceof
        Amqp091Broker,
    );
  });

  it('fails fast on a bad URL or protocol', () => {
    assert.throws(
      () => createBroker({ url: 'nope', protocol: 'amqp-1.0', logger }),
      /not a valid URL/,
    );
    assert.throws(
      () => createBroker({ url: 'amqp://h', protocol: 'stomp' as never, logger }),
      /unknown broker protocol/,
    );
  });

  it('never logs the password', async () => {
    const lines: string[] = [];
    const capture = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const broker = createBroker({
      url: 'amqp://user:hunter2@127.0.0.1:1',
      protocol: 'amqp-1.0',
      logger: capture,
      connectTimeoutMs: 300,
      backoff: { initialMs: 50, maxMs: 100 },
    });
    await assert.rejects(
      broker.connect(),
      (error: Error) => /within 300 ms/.test(error.message) && !error.message.includes('hunter2'),
    );
    await broker.close();
    assert.ok(lines.length > 0);
    assert.ok(lines.every((line) => !line.includes('hunter2')));
  });
});
