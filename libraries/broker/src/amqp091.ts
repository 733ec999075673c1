import type { Logger } from 'pino';
import amqp, {
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
} from 'amqplib';
import { createBackoff, type Backoff } from '@fleetman/service-kit';
import { resolveBrokerEndpoint, type BrokerEndpoint } from './broker-url.js';
import { InFlight } from './in-flight.js';
import { describeError, validPrefetch, type NetworkBrokerOptions } from './network-options.js';
import { Outbox } from './outbox.js';
import { handleDelivery, HandlerFailures, type SettleContext } from './settle-delivery.js';
import type {
  Broker,
  ConsumeOptions,
  IncomingMessage,
  MessageHandler,
  OutgoingMessage,
  Subscription,
} from './types.js';

type State = 'idle' | 'running' | 'closing' | 'closed';

/**
 * AMQP 0-9-1 over amqplib, for RabbitMQ. One confirm channel publishes (persistent messages to
 * durable queues, resolved on the publisher confirm); each subscription gets its own channel
 * so its `prefetch` bounds its own unacked deliveries. Like the AMQP 1.0 adapter, each
 * connection is a numbered generation and the reconnect loop (with jittered backoff) is ours.
 */
export class Amqp091Broker implements Broker {
  readonly #endpoint: BrokerEndpoint;
  readonly #logger: Logger;
  readonly #backoff: Backoff;
  readonly #outbox: Outbox;
  readonly #connectTimeoutMs: number;
  readonly #drainTimeoutMs: number;
  readonly #redeliveryDelayMs: number;
  readonly #consumers = new Set<Amqp091Consumer>();
  #state: State = 'idle';
  #generation = 0;
  #model: ChannelModel | undefined;
  #channel: ConfirmChannel | undefined;
  #asserted = new Set<string>();
  #asserting = new Set<string>();
  #writeBlocked = false;
  #connected = false;
  #everConnected = false;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #connectWaiters: Array<{ resolve(): void; reject(error: Error): void }> = [];
  #lastError = 'no attempt yet';

  constructor(options: NetworkBrokerOptions) {
    this.#endpoint = resolveBrokerEndpoint(options.url, options);
    this.#logger = options.logger.child({ broker: 'amqp-0-9-1', url: this.#endpoint.redacted });
    this.#backoff = createBackoff(options.backoff);
    this.#outbox = new Outbox(options.maxPendingPublishes ?? 1_000);
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? 5_000;
    this.#redeliveryDelayMs = options.redeliveryDelayMs ?? 500;
  }

  isConnected(): boolean {
    return this.#connected;
  }

  connect(): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed')
      return Promise.reject(new Error('broker is closed'));
    if (this.#connected) return Promise.resolve();
    const connected = new Promise<void>((resolve, reject) =>
      this.#connectWaiters.push({ resolve, reject }),
    );
    if (this.#state === 'idle') {
      this.#state = 'running';
      void this.#open();
    }
    const timer = setTimeout(() => {
      if (this.#connected) return;
      this.#giveUp(
        new Error(
          `could not connect to ${this.#endpoint.redacted} within ${this.#connectTimeoutMs} ms: ${this.#lastError}`,
        ),
      );
    }, this.#connectTimeoutMs);
    return connected.finally(() => clearTimeout(timer));
  }

  publish(queue: string, message: OutgoingMessage): Promise<void> {
    if (this.#state === 'closed')
      return Promise.reject(new Error(`broker is closed; message for ${queue} not sent`));
    return this.#outbox.add(queue, message, (ready) => this.#flush(ready));
  }

  async consume(
    queue: string,
    handler: MessageHandler,
    options: ConsumeOptions = {},
  ): Promise<Subscription> {
    if (this.#state === 'closing' || this.#state === 'closed') throw new Error('broker is closed');
    const consumer = new Amqp091Consumer(queue, handler, validPrefetch(options.prefetch), {
      logger: this.#logger,
      redeliveryDelayMs: this.#redeliveryDelayMs,
      publish: (target, message) => this.publish(target, message),
      isCurrent: (generation) => this.#connected && generation === this.#generation,
      onBroken: (generation, reason) => this.#restart(generation, reason),
    });
    this.#consumers.add(consumer);
    if (this.#connected && this.#model) await consumer.attach(this.#model, this.#generation);
    return {
      cancel: async () => {
        await consumer.stop(this.#drainTimeoutMs);
        this.#consumers.delete(consumer);
      },
    };
  }

  async close(): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    const wasRunning = this.#state === 'running';
    this.#state = 'closing';
    await Promise.all([...this.#consumers].map((consumer) => consumer.stop(this.#drainTimeoutMs)));
    this.#consumers.clear();
    if (this.#connected && !(await this.#outbox.waitForEmpty(this.#drainTimeoutMs))) {
      this.#logger.warn(
        { pending: this.#outbox.size },
        'closing with publishes the broker has not confirmed',
      );
    }
    this.#state = 'closed';
    this.#outbox.close(new Error('broker closed before the broker confirmed the message'));
    this.#rejectConnectWaiters(new Error('broker closed'));
    await this.#disconnect();
    if (wasRunning) this.#logger.info('broker connection closed');
  }

  async #open(): Promise<void> {
    const generation = ++this.#generation;
    const current = (): boolean => generation === this.#generation && this.#state === 'running';
    let model: ChannelModel | undefined;
    try {
      model = await amqp.connect(this.#endpoint.url.href, { timeout: 10_000 });
      // Without an 'error' listener an emitted error would crash the process; 'close' follows it.
      model.on('error', (error: unknown) => current() && (this.#lastError = describeError(error)));
      model.on('close', (error: unknown) => this.#onLost(generation, error));
      const channel = await model.createConfirmChannel();
      channel.on(
        'error',
        (error: unknown) => current() && (this.#lastError = describeError(error)),
      );
      // A publish channel closed under a live connection: rebuild everything, simplest sound path.
      channel.on('close', () => this.#restart(generation, 'publish channel closed'));
      channel.on('drain', () => {
        this.#writeBlocked = false;
        this.#flushAll();
      });
      if (!current()) {
        await model.close().catch(() => {});
        return;
      }
      this.#model = model;
      this.#channel = channel;
      this.#onOpen(model, generation);
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#lastError = describeError(error);
      if (!this.#everConnected && /ACCESS.REFUSED|\b403\b/.test(this.#lastError)) {
        this.#giveUp(
          new Error(
            `broker at ${this.#endpoint.redacted} refused the credentials: ${this.#lastError}`,
          ),
        );
        return;
      }
      await model?.close().catch(() => {});
      this.#onLost(generation, error);
    }
  }

  #onOpen(model: ChannelModel, generation: number): void {
    this.#connected = true;
    this.#writeBlocked = false;
    this.#asserted = new Set();
    this.#asserting = new Set();
    this.#backoff.reset();
    this.#logger.info(this.#everConnected ? 'broker reconnected' : 'broker connected');
    this.#everConnected = true;
    for (const waiter of this.#connectWaiters.splice(0)) waiter.resolve();
    for (const consumer of this.#consumers) void consumer.attach(model, generation);
    this.#flushAll();
  }

  #onLost(generation: number, error: unknown): void {
    if (generation !== this.#generation) return;
    this.#generation += 1; // settles and callbacks of the dead connection are now stale
    const wasConnected = this.#connected;
    this.#connected = false;
    this.#model = undefined;
    this.#channel = undefined;
    if (error !== undefined && error !== null) this.#lastError = describeError(error);
    const requeued = this.#outbox.requeueSent();
    if (this.#state !== 'running') return;
    const delay = this.#backoff.next();
    if (wasConnected) {
      this.#logger.warn(
        { reason: this.#lastError, requeued, retryInMs: delay },
        'broker connection lost; reconnecting',
      );
    } else {
      this.#logger.debug(
        { reason: this.#lastError, retryInMs: delay },
        'broker connection attempt failed',
      );
    }
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#state === 'running') void this.#open();
    }, delay);
  }

  /** Something broke under a live connection: close it, and the reconnect loop rebuilds all. */
  #restart(generation: number, reason: string): void {
    if (generation !== this.#generation || this.#state !== 'running') return;
    this.#lastError = reason;
    const model = this.#model;
    if (model) void model.close().catch(() => this.#onLost(generation, reason));
    else this.#onLost(generation, reason);
  }

  #flushAll(): void {
    for (const queue of this.#outbox.waitingQueues()) this.#flush(queue);
  }

  /** Sends what is waiting for `queue`, once its queue is declared, until the socket pushes back. */
  #flush(queue: string): void {
    const channel = this.#channel;
    if (!this.#connected || !channel) return;
    if (!this.#asserted.has(queue)) {
      this.#assertThenFlush(channel, queue);
      return;
    }
    const generation = this.#generation;
    while (!this.#writeBlocked) {
      const pending = this.#outbox.takeNext(queue);
      if (!pending) return;
      const attempt = pending.attempt;
      const { body, contentType, correlationId, headers } = pending.message;
      try {
        const writable = channel.sendToQueue(
          queue,
          body,
          {
            persistent: true,
            contentType: contentType ?? 'application/json',
            ...(correlationId !== undefined && { correlationId }),
            ...(headers && { headers }),
          },
          (error: unknown) => {
            if (!error) return this.#outbox.settle(pending, attempt);
            // 'channel closed': the entry stays "sent" and is requeued by #onLost. A nack is final.
            if (generation === this.#generation && describeError(error) === 'message nacked') {
              this.#outbox.settle(
                pending,
                attempt,
                new Error(`broker refused (nacked) the message for ${queue}`),
              );
            }
          },
        );
        if (!writable) this.#writeBlocked = true; // resumed by the channel's 'drain'
      } catch {
        this.#outbox.putBack(pending); // channel closing under us; #onLost follows
        return;
      }
    }
  }

  #assertThenFlush(channel: ConfirmChannel, queue: string): void {
    if (this.#asserting.has(queue)) return;
    this.#asserting.add(queue);
    const generation = this.#generation;
    channel.assertQueue(queue, { durable: true }).then(
      () => {
        if (generation !== this.#generation) return;
        this.#asserting.delete(queue);
        this.#asserted.add(queue);
        this.#flush(queue);
      },
      (error: unknown) => {
        if (generation !== this.#generation) return;
        this.#asserting.delete(queue);
        this.#logger.error(
          { queue, reason: describeError(error) },
          'could not declare queue; reconnecting',
        );
        this.#restart(generation, `could not declare queue ${queue}`);
      },
    );
  }

  #giveUp(error: Error): void {
    if (this.#state === 'running') this.#state = 'idle';
    this.#rejectConnectWaiters(error);
    void this.#disconnect();
  }

  #rejectConnectWaiters(error: Error): void {
    for (const waiter of this.#connectWaiters.splice(0)) waiter.reject(error);
  }

  async #disconnect(): Promise<void> {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const model = this.#model;
    this.#generation += 1;
    this.#model = undefined;
    this.#channel = undefined;
    this.#connected = false;
    if (model) await model.close().catch(() => {});
  }
}

interface ConsumerContext {
  logger: Logger;
  redeliveryDelayMs: number;
  publish(queue: string, message: OutgoingMessage): Promise<void>;
  /** Whether a delivery of this connection generation can still be acked. */
  isCurrent(generation: number): boolean;
  /** The consumer's channel broke under a live connection. */
  onBroken(generation: number, reason: string): void;
}

/** One subscription: its own channel, re-created on each new connection. */
class Amqp091Consumer {
  readonly #inFlight = new InFlight();
  readonly #settleContext: SettleContext;
  #channel: Channel | undefined;
  #consumerTag: string | undefined;
  #stopped = false;

  constructor(
    readonly queue: string,
    readonly handler: MessageHandler,
    readonly prefetch: number,
    readonly context: ConsumerContext,
  ) {
    this.#settleContext = {
      queue,
      logger: context.logger,
      redeliveryDelayMs: context.redeliveryDelayMs,
      failures: new HandlerFailures(context.logger, queue),
    };
  }

  async attach(model: ChannelModel, generation: number): Promise<void> {
    if (this.#stopped) return;
    try {
      const channel = await model.createChannel();
      channel.on('error', () => {}); // reported through 'close' / the connection
      channel.on('close', () => {
        if (this.#channel === channel) this.#channel = undefined;
        if (!this.#stopped)
          this.context.onBroken(generation, `consumer channel for ${this.queue} closed`);
      });
      await channel.assertQueue(this.queue, { durable: true });
      await channel.prefetch(this.prefetch);
      this.#channel = channel;
      const { consumerTag } = await channel.consume(
        this.queue,
        (message) => this.#onMessage(channel, message, generation),
        { noAck: false },
      );
      this.#consumerTag = consumerTag;
    } catch (error) {
      // Usually the connection dropped mid-way: the next connection attaches again.
      if (this.context.isCurrent(generation)) {
        this.context.logger.error(
          { queue: this.queue, reason: describeError(error) },
          'could not start consuming',
        );
        this.context.onBroken(generation, `could not consume from ${this.queue}`);
      }
    }
  }

  async stop(drainTimeoutMs: number): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const channel = this.#channel;
    if (channel && this.#consumerTag) await channel.cancel(this.#consumerTag).catch(() => {});
    const drained = await this.#inFlight.waitForIdle(drainTimeoutMs);
    if (!drained)
      this.context.logger.warn(
        { queue: this.queue },
        'stopped consuming with handlers still running',
      );
    this.#channel = undefined;
    // Closing the channel requeues whatever is still unacked.
    if (channel) await channel.close().catch(() => {});
  }

  #onMessage(channel: Channel, raw: ConsumeMessage | null, generation: number): void {
    if (raw === null) {
      // The server cancelled us (e.g. the queue was deleted): re-subscribe via a reconnect.
      this.context.onBroken(generation, `server cancelled the consumer of ${this.queue}`);
      return;
    }
    const settle = (action: () => void): void => {
      // Acks on a dead channel are impossible; the broker redelivers those messages anyway.
      if (!this.context.isCurrent(generation) || this.#channel !== channel) return;
      try {
        action();
      } catch {
        // The channel closed between the check and the call: same as above, redelivered.
      }
    };
    if (this.#stopped) {
      settle(() => channel.nack(raw, false, true));
      return;
    }
    void this.#inFlight.track(() =>
      handleDelivery(
        toIncoming(raw),
        this.handler,
        {
          ack: () => settle(() => channel.ack(raw)),
          retry: () => settle(() => channel.nack(raw, false, true)),
          publish: this.context.publish,
        },
        this.#settleContext,
      ),
    );
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
