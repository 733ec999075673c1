import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import rhea, {
  type Connection,
  type Container,
  type Delivery,
  type EventContext,
  type Receiver,
  type Sender,
} from 'rhea';
import { fromAmqp10Message, toAmqp10Message } from './amqp10-codec.js';
import { createBackoff, type Backoff } from '@fleetman/service-kit';
import { resolveBrokerEndpoint, type BrokerEndpoint } from './broker-url.js';
import { InFlight } from './in-flight.js';
import { describeError, validPrefetch, type NetworkBrokerOptions } from './network-options.js';
import { Outbox, type PendingPublish } from './outbox.js';
import { handleDelivery, HandlerFailures, type SettleContext } from './settle-delivery.js';
import type {
  Broker,
  ConsumeOptions,
  MessageHandler,
  OutgoingMessage,
  Subscription,
} from './types.js';

type State = 'idle' | 'running' | 'closing' | 'closed';

/**
 * AMQP 1.0 over rhea, for ActiveMQ Classic. We run the reconnect loop ourselves (rhea's own is
 * off): every connection attempt gets a fresh Connection, "generation", so nothing from a dead
 * connection (a late settlement, a stale link) can touch the live one.
 * - publish: durable message, resolved on `accepted`; unconfirmed sends are resent after a
 *   reconnect (see Outbox).
 * - consume: `autoaccept: false`, no automatic credit window; credit is topped up by hand so
 *   that credit + in-flight handlers never exceed prefetch.
 */
export class Amqp10Broker implements Broker {
  readonly #endpoint: BrokerEndpoint;
  readonly #logger: Logger;
  readonly #container: Container;
  readonly #backoff: Backoff;
  readonly #outbox: Outbox;
  readonly #connectTimeoutMs: number;
  readonly #drainTimeoutMs: number;
  readonly #redeliveryDelayMs: number;
  readonly #consumers = new Set<Amqp10Consumer>();
  #state: State = 'idle';
  #generation = 0;
  #connection: Connection | undefined;
  #senders = new Map<string, Sender>();
  #connected = false;
  #everConnected = false;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #connectWaiters: Array<{ resolve(): void; reject(error: Error): void }> = [];
  #lastError = 'no attempt yet';

  constructor(options: NetworkBrokerOptions) {
    this.#endpoint = resolveBrokerEndpoint(options.url, options);
    this.#logger = options.logger.child({ broker: 'amqp-1.0', url: this.#endpoint.redacted });
    this.#container = rhea.create_container({ id: `fleetman-${randomUUID()}` });
    // Link errors the handlers below do not see would otherwise be thrown from rhea's emitter.
    this.#container.on('error', (error: unknown) =>
      this.#logger.warn({ reason: describeError(error) }, 'AMQP error'),
    );
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
      this.#open();
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
    const consumer = new Amqp10Consumer(queue, handler, validPrefetch(options.prefetch), {
      logger: this.#logger,
      redeliveryDelayMs: this.#redeliveryDelayMs,
      publish: (target, message) => this.publish(target, message),
      isCurrent: (generation) => this.#connected && generation === this.#generation,
    });
    this.#consumers.add(consumer);
    if (this.#connected && this.#connection) consumer.attach(this.#connection, this.#generation);
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
    // Give unconfirmed publishes (dead letters included) their chance, bounded.
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

  #open(): void {
    const generation = ++this.#generation;
    const { host, port, tls, username, password } = this.#endpoint;
    const common = {
      host,
      port,
      hostname: host,
      ...(username !== undefined && { username }),
      ...(password !== undefined && { password }),
      reconnect: false,
      // Heartbeats: a broker that vanished without closing the socket is noticed within ~1 min.
      idle_time_out: 30_000,
    };
    const connection = this.#container.connect(
      tls ? { ...common, transport: 'tls', servername: host } : { ...common, transport: 'tcp' },
    );
    this.#connection = connection;
    const current = (): boolean => generation === this.#generation;

    connection.on('connection_open', () => current() && this.#onOpen(connection, generation));
    connection.on('disconnected', (context: EventContext) => {
      this.#onLost(generation, context.error ?? context.connection.error);
    });
    connection.on('connection_error', (context: EventContext) => {
      if (!current()) return;
      const error = context.connection.error;
      this.#lastError = describeError(error);
      if (!this.#everConnected && isAuthFailure(error)) {
        this.#giveUp(
          new Error(
            `broker at ${this.#endpoint.redacted} refused the credentials: ${this.#lastError}`,
          ),
        );
      }
    });
    // The broker closed the connection (e.g. shutting down). rhea then closes its side and, the
    // connection being closed, never emits 'disconnected': this is our cue to reconnect.
    connection.on('connection_close', (context: EventContext) => {
      if (!current()) return;
      abandon(connection);
      this.#onLost(generation, context.connection.error);
    });
    connection.on('error', (error: unknown) => {
      if (current()) this.#lastError = describeError(error);
    });
    connection.on('protocol_error', (error: unknown) => {
      if (current()) this.#lastError = describeError(error);
    });
    for (const event of ['sender_error', 'receiver_error', 'session_error']) {
      connection.on(event, (context: EventContext) => {
        if (!current()) return;
        const link = context.sender ?? context.receiver ?? context.session;
        this.#logger.warn(
          { reason: describeError(link?.error) },
          `AMQP ${event.replace('_', ' ')}; reconnecting`,
        );
        // Simplest sound recovery: rebuild everything on a fresh connection.
        abandon(connection);
        this.#onLost(generation, link?.error);
      });
    }
    // A broker still starting may accept the socket and then say nothing: do not wait forever.
    const handshake = setTimeout(() => {
      if (!current() || this.#connected) return;
      abandon(connection);
      this.#onLost(generation, `no AMQP open from the broker within ${HANDSHAKE_TIMEOUT_MS} ms`);
    }, HANDSHAKE_TIMEOUT_MS);
    connection.once('connection_open', () => clearTimeout(handshake));
    connection.once('disconnected', () => clearTimeout(handshake));
  }

  #onOpen(connection: Connection, generation: number): void {
    this.#connected = true;
    this.#backoff.reset();
    this.#logger.info(this.#everConnected ? 'broker reconnected' : 'broker connected');
    this.#everConnected = true;
    for (const waiter of this.#connectWaiters.splice(0)) waiter.resolve();
    for (const consumer of this.#consumers) consumer.attach(connection, generation);
    for (const queue of this.#outbox.waitingQueues()) this.#flush(queue);
  }

  /** Once per connection generation, whichever of rhea's signals comes first. */
  #onLost(generation: number, error: unknown): void {
    if (generation !== this.#generation) return;
    this.#generation += 1; // whatever the dead connection still emits is now stale
    const wasConnected = this.#connected;
    this.#connected = false;
    this.#connection = undefined;
    this.#senders.clear();
    this.#lastError =
      error !== undefined ? describeError(error) : 'connection closed by the broker';
    const requeued = this.#outbox.requeueSent();
    for (const consumer of this.#consumers) consumer.detach();
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
      if (this.#state === 'running') this.#open();
    }, delay);
  }

  /** Sends what is waiting for `queue` as far as the link's credit allows. */
  #flush(queue: string): void {
    const connection = this.#connection;
    if (!this.#connected || !connection) return;
    const sender = this.#senderFor(connection, queue);
    while (sender.sendable()) {
      const pending = this.#outbox.takeNext(queue);
      if (!pending) return;
      const attempt = pending.attempt;
      let delivery: Delivery;
      try {
        delivery = sender.send(toAmqp10Message(pending.message));
      } catch (error) {
        this.#outbox.settle(
          pending,
          attempt,
          new Error(`could not encode message for ${queue}: ${describeError(error)}`),
        );
        continue;
      }
      deliveries.set(delivery, { pending, attempt });
    }
  }

  #senderFor(connection: Connection, queue: string): Sender {
    let sender = this.#senders.get(queue);
    if (!sender) {
      sender = connection.open_sender({ target: { address: queue }, autosettle: true });
      const settle = (context: EventContext, error?: Error): void => {
        const sent = context.delivery && deliveries.get(context.delivery);
        if (sent) this.#outbox.settle(sent.pending, sent.attempt, error);
      };
      sender.on('sendable', () => this.#flush(queue));
      sender.on('accepted', (context: EventContext) => settle(context));
      sender.on('rejected', (context: EventContext) =>
        settle(
          context,
          new Error(
            `broker rejected the message for ${queue}: ${describeError(remoteError(context))}`,
          ),
        ),
      );
      sender.on('released', (context: EventContext) =>
        settle(context, new Error(`broker released the message for ${queue} without taking it`)),
      );
      this.#senders.set(queue, sender);
    }
    return sender;
  }

  #giveUp(error: Error): void {
    if (this.#state === 'running') this.#state = 'idle';
    this.#rejectConnectWaiters(error);
    void this.#disconnect();
  }

  #rejectConnectWaiters(error: Error): void {
    for (const waiter of this.#connectWaiters.splice(0)) waiter.reject(error);
  }

  /** Stops the reconnect loop and closes the live connection, waiting (briefly) for the close. */
  async #disconnect(): Promise<void> {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const connection = this.#connection;
    this.#generation += 1; // whatever the old connection still emits is now stale
    this.#connection = undefined;
    this.#connected = false;
    this.#senders.clear();
    if (!connection) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 2_000);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      connection.once('connection_close', done);
      connection.once('disconnected', done);
      if (connection.is_open()) connection.close();
      else {
        connection.close();
        done();
      }
    });
  }
}

const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * Drops the socket; rhea then emits 'disconnected' and our loop reconnects. (A polite close()
 * would not: rhea emits nothing for a connection we closed ourselves.)
 */
function abandon(connection: Connection): void {
  const raw = connection as unknown as { socket?: unknown; abort_socket?(socket: unknown): void };
  // Deferred: called from inside rhea's frame processing, which re-arms its heartbeat timer
  // after our handler returns; aborting afterwards clears that timer (else it holds the process ~60 s).
  setImmediate(() => {
    if (raw.socket && raw.abort_socket) raw.abort_socket(raw.socket);
  });
}

/** Sent delivery → the outbox entry it carries (weak: a dead connection's deliveries just vanish). */
const deliveries = new WeakMap<Delivery, { pending: PendingPublish; attempt: number }>();

function remoteError(context: EventContext): unknown {
  const state = context.delivery?.remote_state as { error?: unknown } | undefined;
  return state?.error ?? 'no reason given';
}

function isAuthFailure(error: unknown): boolean {
  const condition = (error as { condition?: unknown } | undefined)?.condition;
  return condition === 'amqp:unauthorized-access';
}

interface ConsumerContext {
  logger: Logger;
  redeliveryDelayMs: number;
  publish(queue: string, message: OutgoingMessage): Promise<void>;
  /** Whether a delivery from this connection generation can still be settled. */
  isCurrent(generation: number): boolean;
}

/** One subscription; re-attached to each new connection. */
class Amqp10Consumer {
  readonly #inFlight = new InFlight();
  readonly #settleContext: SettleContext;
  #receiver: Receiver | undefined;
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

  attach(connection: Connection, generation: number): void {
    if (this.#stopped) return;
    const receiver = connection.open_receiver({
      source: { address: this.queue },
      autoaccept: false,
      credit_window: 0,
    });
    this.#receiver = receiver;
    receiver.on('receiver_open', () => this.#topUpCredit());
    receiver.on('message', (event: EventContext) => this.#onMessage(event, generation));
  }

  detach(): void {
    this.#receiver = undefined;
  }

  /** No new deliveries; wait (bounded) for running handlers to settle, then detach. */
  async stop(drainTimeoutMs: number): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const drained = await this.#inFlight.waitForIdle(drainTimeoutMs);
    if (!drained)
      this.context.logger.warn(
        { queue: this.queue },
        'stopped consuming with handlers still running',
      );
    const receiver = this.#receiver;
    this.#receiver = undefined;
    // Closing the link hands whatever is still unsettled back to the broker.
    if (receiver?.is_open()) receiver.close();
  }

  #onMessage(event: EventContext, generation: number): void {
    const delivery = event.delivery!;
    if (this.#stopped) {
      // Arrived on credit granted before stop(): give it straight back, not counted as a failure.
      delivery.release();
      return;
    }
    const settle = (action: () => void): void => {
      // A delivery of a dead connection cannot be settled; the broker redelivers it anyway.
      if (this.context.isCurrent(generation)) action();
    };
    const message = fromAmqp10Message(event.message!);
    void this.#inFlight
      .track(() =>
        handleDelivery(
          message,
          this.handler,
          {
            ack: () => settle(() => delivery.accept()),
            retry: () => settle(() => delivery.release({ delivery_failed: true })),
            publish: this.context.publish,
          },
          this.#settleContext,
        ),
      )
      .finally(() => this.#topUpCredit());
  }

  /** Keeps credit + handlers in flight == prefetch (manual flow: rhea's window is off). */
  #topUpCredit(): void {
    const receiver = this.#receiver;
    if (this.#stopped || !receiver || !receiver.is_open()) return;
    // `credit` is on rhea's link object (decremented per transfer) but missing from its typings.
    const credit = (receiver as unknown as { credit: number }).credit;
    const wanted = this.prefetch - this.#inFlight.count - credit;
    if (wanted > 0) receiver.add_credit(wanted);
  }
}
