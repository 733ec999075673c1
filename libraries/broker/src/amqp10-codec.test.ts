import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import rhea, { type Message } from 'rhea';
import { fromAmqp10Message, toAmqp10Message } from './amqp10-codec.js';

/** Through rhea's real encoder and decoder, as on the wire. */
const overTheWire = (message: Message): Message =>
  rhea.message.decode(rhea.message.encode(message)) as unknown as Message;

describe('AMQP 1.0 codec', () => {
  it('round-trips body bytes, content type, correlation id and headers as a durable message', () => {
    const sent = toAmqp10Message({
      body: Buffer.from('{"vehicle":"v1"}'),
      correlationId: 'req-7',
      headers: { 'x-reject-reason': 'bad', n: 3, ok: true },
    });
    assert.equal(sent.durable, true);
    const received = fromAmqp10Message(overTheWire(sent));
    assert.equal(received.body.toString(), '{"vehicle":"v1"}');
    assert.equal(received.contentType, 'application/json');
    assert.equal(received.correlationId, 'req-7');
    assert.deepEqual(received.headers, { 'x-reject-reason': 'bad', n: 3, ok: true });
    assert.equal(received.redelivered, false);
  });

  it('reads a JMS MapMessage-style map body as JSON (the original Fleetman simulator)', () => {
    const received = fromAmqp10Message(
      overTheWire({
        body: {
          vehicle: 'City Truck',
          lat: '53.1',
          long: '-1.5',
          time: '2024-01-01T00:00:00.000+0000',
        },
      }),
    );
    assert.equal(received.contentType, 'application/json');
    assert.deepEqual(JSON.parse(received.body.toString()), {
      vehicle: 'City Truck',
      lat: '53.1',
      long: '-1.5',
      time: '2024-01-01T00:00:00.000+0000',
    });
  });

  it('reads a text body as UTF-8 bytes and flags a redelivery', () => {
    const received = fromAmqp10Message(
      overTheWire({ body: 'héllo', delivery_count: 2, content_type: 'text/plain' }),
    );
    assert.equal(received.body.toString('utf8'), 'héllo');
    assert.equal(received.contentType, 'text/plain');
    assert.equal(received.redelivered, true);
  });
});
