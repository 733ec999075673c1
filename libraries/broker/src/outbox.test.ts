import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox } from './outbox.js';

const message = (text: string) => ({ body: Buffer.from(text) });
const text = (pending: { message: { body: Buffer | string } } | undefined) =>
  pending?.message.body.toString();
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Outbox', () => {
  it('hands out waiting publishes per queue in order and resolves them on confirm', async () => {
    const outbox = new Outbox(10);
    const queued: string[] = [];
    const first = outbox.add('a', message('1'), (queue) => queued.push(queue));
    const second = outbox.add('a', message('2'), (queue) => queued.push(queue));
    await tick();
    assert.deepEqual(queued, ['a', 'a']);
    const one = outbox.takeNext('a');
    const two = outbox.takeNext('a');
    assert.deepEqual([text(one), text(two)], ['1', '2']);
    assert.equal(outbox.takeNext('a'), undefined);
    outbox.settle(one!, 1);
    outbox.settle(two!, 1, new Error('rejected by broker'));
    await first;
    await assert.rejects(second, /rejected by broker/);
    assert.equal(outbox.size, 0);
  });

  it('requeues what was on the wire at a disconnect, ahead of what was waiting, and ignores stale confirms', async () => {
    const outbox = new Outbox(10);
    const done = ['1', '2', '3'].map((n) => outbox.add('q', message(n), () => {}));
    await tick();
    const one = outbox.takeNext('q')!;
    outbox.takeNext('q');
    assert.equal(outbox.requeueSent(), 2);
    outbox.settle(one, 1); // a confirm from the dead connection: ignored
    assert.deepEqual(outbox.waitingQueues(), ['q']);
    const resent = [outbox.takeNext('q')!, outbox.takeNext('q')!, outbox.takeNext('q')!];
    assert.deepEqual(resent.map(text), ['1', '2', '3']);
    assert.equal(resent[0]!.attempt, 2);
    for (const pending of resent) outbox.settle(pending, pending.attempt);
    await Promise.all(done);
  });

  it('makes publishers wait when full, and lets them in as room frees up', async () => {
    const outbox = new Outbox(1);
    const first = outbox.add('q', message('1'), () => {});
    let secondQueued = false;
    const second = outbox.add('q', message('2'), () => (secondQueued = true));
    await tick();
    assert.equal(secondQueued, false);
    const one = outbox.takeNext('q')!;
    outbox.settle(one, one.attempt);
    await first;
    await tick();
    assert.equal(secondQueued, true);
    const two = outbox.takeNext('q')!;
    outbox.settle(two, two.attempt);
    await second;
  });

  it('fails pending and later publishes once closed, and reports when it empties', async () => {
    const outbox = new Outbox(5);
    const pending = outbox.add('q', message('1'), () => {});
    assert.equal(await outbox.waitForEmpty(20), false);
    outbox.close(new Error('broker closed'));
    await assert.rejects(pending, /broker closed/);
    await assert.rejects(
      outbox.add('q', message('2'), () => {}),
      /broker closed/,
    );
    assert.equal(await outbox.waitForEmpty(20), true);
  });
});
