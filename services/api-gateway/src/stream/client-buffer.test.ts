import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ClientBuffer } from './client-buffer.js';

/** A real Writable whose consumer is stalled until release() is called. */
function stalledWritable(highWaterMark: number) {
  const received: string[] = [];
  const callbacks: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      received.push(chunk.toString());
      callbacks.push(callback);
    },
  });
  const release = () => {
    while (callbacks.length > 0) (callbacks.shift() as () => void)();
  };
  return { stream, received, release };
}

const frame = (text: string) => Buffer.from(text);

describe('ClientBuffer', () => {
  it('writes straight through while the stream accepts data', () => {
    const { stream, received } = stalledWritable(1024);
    const buffer = new ClientBuffer(stream, { maxBytes: 10 });
    assert.equal(buffer.write(frame('aaa')), 'written');
    assert.equal(buffer.write(frame('bbb')), 'written');
    assert.deepEqual(received, ['aaa']); // the second sits in the stream's own buffer
    assert.equal(buffer.queuedBytes, 0);
  });

  it('queues under backpressure and overflows past maxBytes', () => {
    const { stream } = stalledWritable(4);
    const buffer = new ClientBuffer(stream, { maxBytes: 10 });
    assert.equal(buffer.write(frame('12345')), 'written'); // now above the stream's mark
    assert.equal(buffer.write(frame('abcd')), 'queued');
    assert.equal(buffer.write(frame('efghij')), 'queued');
    assert.equal(buffer.queuedBytes, 10);
    assert.equal(buffer.write(frame('k')), 'overflow');
    assert.equal(buffer.queuedBytes, 0, 'an overflowed client holds no memory');
    assert.equal(buffer.write(frame('l')), 'overflow', 'stays overflowed');
  });

  it('flushes the queue in order when the stream drains', async () => {
    const { stream, received, release } = stalledWritable(4);
    const buffer = new ClientBuffer(stream, { maxBytes: 100 });
    for (const text of ['11111', '22', '33', '44']) buffer.write(frame(text));
    assert.equal(buffer.queuedFrames, 3);
    for (let round = 0; round < 10 && buffer.queuedFrames + stream.writableLength > 0; round += 1) {
      release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    release();
    assert.deepEqual(received, ['11111', '22', '33', '44']);
    assert.equal(buffer.queuedBytes, 0);
    assert.equal(buffer.write(frame('5')), 'written');
  });
});

describe('ClientBuffer.discard', () => {
  it('drops queued frames and refuses further writes', () => {
    const { stream, received, release } = stalledWritable(1);
    const buffer = new ClientBuffer(stream, { maxBytes: 100 });
    buffer.write(frame('a'));
    buffer.write(frame('b'));
    buffer.discard();
    assert.equal(buffer.queuedBytes, 0);
    assert.equal(buffer.write(frame('c')), 'closed');
    release();
    stream.emit('drain');
    assert.deepEqual(received, ['a']);
  });
});

describe('ClientBuffer.preload', () => {
  it('writes the first burst past the bound, then bounds what comes after it', async () => {
    const { stream, received, release } = stalledWritable(4);
    const buffer = new ClientBuffer(stream, { maxBytes: 5 });
    for (const text of ['snapshot-1', 'snapshot-2']) buffer.preload(frame(text));
    assert.equal(buffer.queuedBytes, 0, 'the burst sits in the stream, not in the bounded queue');
    assert.equal(buffer.write(frame('live')), 'queued', 'live frames wait behind the burst');
    assert.equal(buffer.write(frame('12')), 'overflow', 'and are bounded');
    release();
    await new Promise((resolve) => setImmediate(resolve));
    release();
    assert.deepEqual(received, ['snapshot-1', 'snapshot-2']);
  });
});
