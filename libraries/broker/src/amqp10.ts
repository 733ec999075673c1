import { randomUUID } from 'node:crypto';
import rhea, {
  type Connection,
  type Container,
  type Delivery,
  type EventContext,
  type Receiver,
  type Sender,
} from 'rhea';
import { fromAmqp10Message, toAmqp10Message } from './amqp10-codec.js';
import {
  NetworkBroker,
  NetworkConsumer,
  type ConnectionAttempt,
  type ConsumerContext,
} from './network-broker.js';
import { describeError, type NetworkBrokerOptions } from './network-options.js';
import type { PendingPublish } from './outbox.js';
import type { MessageHandler } from './types.js';

/**
 * AMQP 1.0 over rhea, for ActiveMQ Classic. rhea's own reconnect is off: every attempt is a
 * fresh Connection (the shared lifecycle in network-broker.ts runs the loop).
 * - publish: durable message, resolved on `accepted`; one sender link per queue, sending as far
 *   as its credit allows.
 * - consume: `autoaccept: false`, no automatic credit window; credit is topped up by hand so
 *   that credit + in-flight handlers never exceed prefetch.
 */
export class Amqp10Broker extends NetworkBroker<Connection> {
  readonly #container: Container;
  #senders = new Map<string, Sender>();

  constructor(options: NetworkBrokerOptions) {
    super('amqp-1.0', options);
    this.#container = rhea.create_container({ id: `fleetman-${randomUUID()}` });
    // Link errors the handlers below do not see would otherwise be thrown from rhea's emitter.
    this.#container.on('error', (error: unknown) =>
      this.logger.warn({ reason: describeError(error) }, 'AMQP error'),
    );
  }

  protected open(attempt: ConnectionAttempt<Connection>): void {
    const { host, port, tls, username, password } = this.endpoint;
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
    const lose = (error: unknown): void => {
      abandon(connection);
      attempt.lost(error);
    };

    connection.on('connection_open', () => attempt.opened(connection));
    connection.on('disconnected', (context: EventContext) =>
      attempt.lost(context.error ?? context.connection.error),
    );
    connection.on('connection_error', (context: EventContext) => {
      const error = context.connection.error;
      attempt.note(error);
      if (isAuthFailure(error)) attempt.refused(describeError(error));
    });
    // The broker closed the connection (e.g. shutting down). rhea then closes its side and, the
    // connection being closed, never emits 'disconnected': this is our cue to reconnect.
    connection.on('connection_close', (context: EventContext) => {
      if (attempt.isCurrent()) lose(context.connection.error);
    });
    connection.on('error', (error: unknown) => attempt.note(error));
    connection.on('protocol_error', (error: unknown) => attempt.note(error));
    for (const event of ['sender_error', 'receiver_error', 'session_error']) {
      connection.on(event, (context: EventContext) => {
        if (!attempt.isCurrent()) return;
        const link = context.sender ?? context.receiver ?? context.session;
        this.logger.warn(
          { reason: describeError(link?.error) },
          `AMQP ${event.replace('_', ' ')}; reconnecting`,
        );
        // Simplest sound recovery: rebuild everything on a fresh connection.
        lose(link?.error);
      });
    }
    // A broker still starting may accept the socket and then say nothing: do not wait forever.
    const handshake = setTimeout(() => {
      if (attempt.isCurrent() && !connection.is_open())
        lose(`no AMQP open from the broker within ${HANDSHAKE_TIMEOUT_MS} ms`);
    }, HANDSHAKE_TIMEOUT_MS);
    connection.once('connection_open', () => clearTimeout(handshake));
    connection.once('disconnected', () => clearTimeout(handshake));
  }

  /** Sends what is waiting for `queue` as far as the link's credit allows. */
  protected flush(queue: string, connection: Connection): void {
    const sender = this.#senderFor(connection, queue);
    while (sender.sendable()) {
      const pending = this.outbox.takeNext(queue);
      if (!pending) return;
      const attempt = pending.attempt;
      let delivery: Delivery;
      try {
        delivery = sender.send(toAmqp10Message(pending.message));
      } catch (error) {
        this.outbox.settle(
          pending,
          attempt,
          new Error(`could not encode message for ${queue}: ${describeError(error)}`),
        );
        continue;
      }
      deliveries.set(delivery, { pending, attempt });
    }
  }

  protected drop(connection: Connection): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, 2_000);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      connection.once('connection_close', done);
      connection.once('disconnected', done);
      const wasOpen = connection.is_open();
      connection.close();
      if (!wasOpen) done();
    });
  }

  protected override forget(): void {
    this.#senders.clear();
  }

  protected createConsumer(
    queue: string,
    handler: MessageHandler,
    prefetch: number,
    context: ConsumerContext,
  ): Amqp10Consumer {
    return new Amqp10Consumer(queue, handler, prefetch, context);
  }

  #senderFor(connection: Connection, queue: string): Sender {
    let sender = this.#senders.get(queue);
    if (!sender) {
      sender = connection.open_sender({ target: { address: queue }, autosettle: true });
      const settle = (context: EventContext, error?: Error): void => {
        const sent = context.delivery && deliveries.get(context.delivery);
        if (sent) this.outbox.settle(sent.pending, sent.attempt, error);
      };
      sender.on('sendable', () => this.flushWaiting(queue));
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
}

const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * Drops the socket; rhea then emits 'disconnected'. (A polite close() would not: rhea emits
 * nothing for a connection we closed ourselves.)
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

/** One subscription: a receiver link with manual credit, re-opened on each new connection. */
class Amqp10Consumer extends NetworkConsumer<Connection> {
  #receiver: Receiver | undefined;

  attach(connection: Connection, attempt: ConnectionAttempt<Connection>): void {
    if (this.stopped) return;
    const receiver = connection.open_receiver({
      source: { address: this.queue },
      autoaccept: false,
      credit_window: 0,
    });
    this.#receiver = receiver;
    receiver.on('receiver_open', () => this.#topUpCredit());
    receiver.on('message', (event: EventContext) => this.#onMessage(event, attempt));
  }

  detach(): void {
    this.#receiver = undefined;
  }

  /** Nothing to ask: no credit is granted once stopped. */
  protected async stopDeliveries(): Promise<void> {}

  protected async release(): Promise<void> {
    const receiver = this.#receiver;
    this.#receiver = undefined;
    if (receiver?.is_open()) receiver.close();
  }

  #onMessage(event: EventContext, attempt: ConnectionAttempt<Connection>): void {
    const delivery = event.delivery!;
    if (this.stopped) {
      // Arrived on credit granted before stop(): give it straight back, not counted as a failure.
      delivery.release();
      return;
    }
    void this.handle(fromAmqp10Message(event.message!), attempt, {
      ack: () => delivery.accept(),
      retry: () => delivery.release({ delivery_failed: true }),
    }).finally(() => this.#topUpCredit());
  }

  /** Keeps credit + handlers in flight == prefetch (manual flow: rhea's window is off). */
  #topUpCredit(): void {
    const receiver = this.#receiver;
    if (this.stopped || !receiver || !receiver.is_open()) return;
    // `credit` is on rhea's link object (decremented per transfer) but missing from its typings.
    const credit = (receiver as unknown as { credit: number }).credit;
    const wanted = this.prefetch - this.inFlight.count - credit;
    if (wanted > 0) receiver.add_credit(wanted);
  }
}
