import amqp, {
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
} from 'amqplib';
import {
  NetworkBroker,
  NetworkConsumer,
  type ConnectionAttempt,
  type ConsumerContext,
} from './network-broker.js';
import { describeError, type NetworkBrokerOptions } from './network-options.js';
import type { IncomingMessage, MessageHandler } from './types.js';

/**
 * A live AMQP 0-9-1 connection: the model (consumers open their channels on it), the confirm
 * channel every publish goes through, and the attempt it belongs to.
 */
interface Link {
  model: ChannelModel;
  channel: ConfirmChannel;
  attempt: ConnectionAttempt<Link>;
}

/**
 * AMQP 0-9-1 over amqplib, for RabbitMQ. One confirm channel publishes (persistent messages to
 * durable queues, resolved on the publisher confirm); each subscription gets its own channel
 * so its `prefetch` bounds its own unacked deliveries. The lifecycle (generations, reconnect
 * loop, outbox) is the shared one in network-broker.ts.
 */
export class Amqp091Broker extends NetworkBroker<Link> {
  #asserted = new Set<string>();
  #asserting = new Set<string>();
  #writeBlocked = false;

  constructor(options: NetworkBrokerOptions) {
    super('amqp-0-9-1', options);
  }

  protected open(attempt: ConnectionAttempt<Link>): void {
    void this.#connect(attempt);
  }

  async #connect(attempt: ConnectionAttempt<Link>): Promise<void> {
    let model: ChannelModel | undefined;
    try {
      model = await amqp.connect(this.endpoint.url.href, { timeout: 10_000 });
      // Without an 'error' listener an emitted error would crash the process; 'close' follows it.
      model.on('error', (error: unknown) => attempt.note(error));
      model.on('close', (error: unknown) => attempt.lost(error));
      const channel = await model.createConfirmChannel();
      channel.on('error', (error: unknown) => attempt.note(error));
      // A publish channel closed under a live connection: rebuild everything, simplest sound path.
      channel.on('close', () => attempt.restart('publish channel closed'));
      channel.on('drain', () => {
        this.#writeBlocked = false;
        for (const queue of this.outbox.waitingQueues()) this.flushWaiting(queue);
      });
      this.#writeBlocked = false;
      attempt.opened({ model, channel, attempt });
    } catch (error) {
      if (!attempt.isCurrent()) return;
      const reason = describeError(error);
      if (/ACCESS.REFUSED|\b403\b/.test(reason)) return attempt.refused(reason);
      await model?.close().catch(() => {});
      attempt.lost(error);
    }
  }

  /** Sends what is waiting for `queue`, once its queue is declared, until the socket pushes back. */
  protected flush(queue: string, link: Link): void {
    if (!this.#asserted.has(queue)) {
      this.#assertThenFlush(link, queue);
      return;
    }
    while (!this.#writeBlocked) {
      const pending = this.outbox.takeNext(queue);
      if (!pending) return;
      const attempt = pending.attempt;
      const { body, contentType, correlationId, headers } = pending.message;
      try {
        const writable = link.channel.sendToQueue(
          queue,
          Buffer.from(body),
          {
            persistent: true,
            contentType: contentType ?? 'application/json',
            ...(correlationId !== undefined && { correlationId }),
            ...(headers && { headers }),
          },
          (error: unknown) => {
            if (!error) return this.outbox.settle(pending, attempt);
            // 'channel closed': the entry stays "sent" and is requeued on the loss. A nack is final.
            if (describeError(error) === 'message nacked') {
              this.outbox.settle(
                pending,
                attempt,
                new Error(`broker refused (nacked) the message for ${queue}`),
              );
            }
          },
        );
        if (!writable) this.#writeBlocked = true; // resumed by the channel's 'drain'
      } catch {
        this.outbox.putBack(pending); // channel closing under us; the loss follows
        return;
      }
    }
  }

  protected async drop(link: Link): Promise<void> {
    await link.model.close().catch(() => {});
  }

  protected override forget(): void {
    this.#asserted = new Set();
    this.#asserting = new Set();
  }

  protected createConsumer(
    queue: string,
    handler: MessageHandler,
    prefetch: number,
    context: ConsumerContext,
  ): Amqp091Consumer {
    return new Amqp091Consumer(queue, handler, prefetch, context);
  }

  #assertThenFlush({ channel, attempt }: Link, queue: string): void {
    if (this.#asserting.has(queue)) return;
    this.#asserting.add(queue);
    channel.assertQueue(queue, { durable: true }).then(
      () => {
        if (!attempt.isCurrent()) return;
        this.#asserting.delete(queue);
        this.#asserted.add(queue);
        this.flushWaiting(queue);
      },
      (error: unknown) => {
        if (!attempt.isCurrent()) return;
        this.#asserting.delete(queue);
        this.logger.error(
          { queue, reason: describeError(error) },
          'could not declare queue; reconnecting',
        );
        attempt.restart(`could not declare queue ${queue}`);
      },
    );
  }
}

/** One subscription: its own channel, re-created on each new connection. */
class Amqp091Consumer extends NetworkConsumer<Link> {
  #channel: Channel | undefined;
  #consumerTag: string | undefined;

  async attach({ model }: Link, attempt: ConnectionAttempt<Link>): Promise<void> {
    if (this.stopped) return;
    try {
      const channel = await model.createChannel();
      channel.on('error', () => {}); // reported through 'close' / the connection
      channel.on('close', () => {
        if (this.#channel === channel) this.#channel = undefined;
        if (!this.stopped) attempt.restart(`consumer channel for ${this.queue} closed`);
      });
      await channel.assertQueue(this.queue, { durable: true });
      await channel.prefetch(this.prefetch);
      this.#channel = channel;
      const { consumerTag } = await channel.consume(
        this.queue,
        (message) => this.#onMessage(channel, message, attempt),
        { noAck: false },
      );
      this.#consumerTag = consumerTag;
    } catch (error) {
      // Usually the connection dropped mid-way: the next connection attaches again.
      if (!attempt.isCurrent()) return;
      this.context.logger.error(
        { queue: this.queue, reason: describeError(error) },
        'could not start consuming',
      );
      attempt.restart(`could not consume from ${this.queue}`);
    }
  }

  detach(): void {
    this.#channel = undefined;
  }

  protected async stopDeliveries(): Promise<void> {
    if (this.#channel && this.#consumerTag)
      await this.#channel.cancel(this.#consumerTag).catch(() => {});
  }

  protected async release(): Promise<void> {
    const channel = this.#channel;
    this.#channel = undefined;
    if (channel) await channel.close().catch(() => {});
  }

  #onMessage(channel: Channel, raw: ConsumeMessage | null, attempt: ConnectionAttempt<Link>): void {
    if (raw === null) {
      // The server cancelled us (e.g. the queue was deleted): re-subscribe via a reconnect.
      attempt.restart(`server cancelled the consumer of ${this.queue}`);
      return;
    }
    const onChannel = (action: () => void) => () => {
      // Acks on a closed channel are impossible; the broker redelivers those messages anyway.
      if (this.#channel !== channel) return;
      try {
        action();
      } catch {
        // The channel closed between the check and the call: same as above, redelivered.
      }
    };
    if (this.stopped) {
      onChannel(() => channel.nack(raw, false, true))();
      return;
    }
    void this.handle(toIncoming(raw), attempt, {
      ack: onChannel(() => channel.ack(raw)),
      retry: onChannel(() => channel.nack(raw, false, true)),
    });
  }
}

function toIncoming(raw: ConsumeMessage): IncomingMessage {
  const { contentType, correlationId, headers } = raw.properties as {
    contentType?: unknown;
    correlationId?: unknown;
    headers?: Record<string, unknown>;
  };
  return {
    body: raw.content,
    ...(typeof contentType === 'string' && { contentType }),
    ...(typeof correlationId === 'string' && { correlationId }),
    headers: { ...(headers ?? {}) },
    redelivered: raw.fields.redelivered,
  };
}
