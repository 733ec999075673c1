import type { Logger } from 'pino';
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
 * One connection attempt, numbered ("generation"). Everything an adapter registers on a client
 * library's connection reports through the attempt it was opened for; once that attempt is
 * over (lost, replaced, closed) its reports are ignored, so nothing from a dead connection (a
 * late confirm, a settlement, a stale link) can touch the live one.
 */
export interface ConnectionAttempt<C> {
  readonly generation: number;
  /** Still the live attempt (or connection): callbacks of a dead one must do nothing. */
  isCurrent(): boolean;
  /** The handshake succeeded: consumers attach, waiting publishes flush. */
  opened(connection: C): void;
  /** Failed or gone (first report wins): back off, then a new attempt. */
  lost(error: unknown): void;
  /** Something broke under a live connection: drop it and start over. */
  restart(reason: string): void;
  /** Credentials refused before any connection succeeded: retrying cannot help, give up. */
  refused(reason: string): void;
  /** Remembered for the connect() timeout message, not acted on. */
  note(error: unknown): void;
}

/**
 * The connection lifecycle both network adapters share: connect() waiters and their timeout,
 * the reconnect loop with jittered backoff, generations, the outbox of unconfirmed publishes
 * (resent after a reconnect), consumers re-attached to each new connection, and a close() that
 * drains consumers and publishes (bounded) before dropping the connection. An adapter says only
 * how to open a connection, send what waits for a queue (flush), drop a connection, and consume.
 */
export abstract class NetworkBroker<C> implements Broker {
  protected readonly endpoint: BrokerEndpoint;
  protected readonly logger: Logger;
  protected readonly outbox: Outbox;
  readonly #backoff: Backoff;
  readonly #connectTimeoutMs: number;
  readonly #drainTimeoutMs: number;
  readonly #redeliveryDelayMs: number;
  readonly #consumers = new Set<NetworkConsumer<C>>();
  #state: State = 'idle';
  #generation = 0;
  #connection: C | undefined;
  #everConnected = false;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #connectWaiters: Array<{ resolve(): void; reject(error: Error): void }> = [];
  #lastError = 'no attempt yet';

  constructor(protocol: string, options: NetworkBrokerOptions) {
    this.endpoint = resolveBrokerEndpoint(options.url, options);
    this.logger = options.logger.child({ broker: protocol, url: this.endpoint.redacted });
    this.#backoff = createBackoff(options.backoff);
    this.outbox = new Outbox(options.maxPendingPublishes ?? 1_000);
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? 5_000;
    this.#redeliveryDelayMs = options.redeliveryDelayMs ?? 500;
  }

  /** Starts one connection attempt; reports its outcome through `attempt`. */
  protected abstract open(attempt: ConnectionAttempt<C>): void;
  /** Sends what waits for `queue` on the live connection, as far as it accepts. */
  protected abstract flush(queue: string, connection: C): void;
  /** Closes a connection (politely where possible, bounded); its events are stale already. */
  protected abstract drop(connection: C): Promise<void>;
  /** One subscription of this protocol, attached to each live connection in turn. */
  protected abstract createConsumer(
    queue: string,
    handler: MessageHandler,
    prefetch: number,
    context: ConsumerContext,
  ): NetworkConsumer<C>;
  /** A connection ended (lost or closed): forget what belonged to it (links, declared queues). */
  protected forget(): void {}

  isConnected(): boolean {
    return this.#connection !== undefined;
  }

  connect(): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed')
      return Promise.reject(new Error('broker is closed'));
    if (this.#connection) return Promise.resolve();
    const connected = new Promise<void>((resolve, reject) =>
      this.#connectWaiters.push({ resolve, reject }),
    );
    if (this.#state === 'idle') {
      this.#state = 'running';
      this.#attempt();
    }
    const timer = setTimeout(() => {
      if (this.#connection) return;
      this.#giveUp(
        new Error(
          `could not connect to ${this.endpoint.redacted} within ${this.#connectTimeoutMs} ms: ${this.#lastError}`,
        ),
      );
    }, this.#connectTimeoutMs);
    return connected.finally(() => clearTimeout(timer));
  }

  publish(queue: string, message: OutgoingMessage): Promise<void> {
    if (this.#state === 'closed')
      return Promise.reject(new Error(`broker is closed; message for ${queue} not sent`));
    return this.outbox.add(queue, message, (ready) => this.flushWaiting(ready));
  }

  async consume(
    queue: string,
    handler: MessageHandler,
    options: ConsumeOptions = {},
  ): Promise<Subscription> {
    if (this.#state === 'closing' || this.#state === 'closed') throw new Error('broker is closed');
    const consumer = this.createConsumer(queue, handler, validPrefetch(options.prefetch), {
      logger: this.logger,
      redeliveryDelayMs: this.#redeliveryDelayMs,
      publish: (target, message) => this.publish(target, message),
    });
    this.#consumers.add(consumer);
    const connection = this.#connection;
    if (connection) await consumer.attach(connection, this.#attemptFor(this.#generation));
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
    if (this.#connection && !(await this.outbox.waitForEmpty(this.#drainTimeoutMs))) {
      this.logger.warn(
        { pending: this.outbox.size },
        'closing with publishes the broker has not confirmed',
      );
    }
    this.#state = 'closed';
    this.outbox.close(new Error('broker closed before the broker confirmed the message'));
    this.#rejectConnectWaiters(new Error('broker closed'));
    await this.#disconnect();
    if (wasRunning) this.logger.info('broker connection closed');
  }

  /** Sends what waits for `queue`, if connected (adapters call it on credit or drain). */
  protected flushWaiting(queue: string): void {
    const connection = this.#connection;
    if (connection) this.flush(queue, connection);
  }

  #attempt(): void {
    this.open(this.#attemptFor(++this.#generation));
  }

  #attemptFor(generation: number): ConnectionAttempt<C> {
    const isCurrent = (): boolean => generation === this.#generation && this.#state !== 'closed';
    return {
      generation,
      isCurrent,
      opened: (connection) => {
        if (isCurrent()) this.#onOpen(connection, generation);
        else void this.drop(connection); // closed or superseded while the handshake ran
      },
      lost: (error) => this.#onLost(generation, error),
      restart: (reason) => {
        if (!isCurrent() || this.#state !== 'running') return;
        const connection = this.#connection;
        this.#onLost(generation, reason);
        if (connection) void this.drop(connection);
      },
      refused: (reason) => {
        if (!isCurrent()) return;
        this.#lastError = reason;
        if (this.#everConnected) return this.#onLost(generation, reason);
        this.#giveUp(
          new Error(`broker at ${this.endpoint.redacted} refused the credentials: ${reason}`),
        );
      },
      note: (error) => {
        if (isCurrent()) this.#lastError = describeError(error);
      },
    };
  }

  #onOpen(connection: C, generation: number): void {
    this.#connection = connection;
    this.#backoff.reset();
    this.logger.info(this.#everConnected ? 'broker reconnected' : 'broker connected');
    this.#everConnected = true;
    for (const waiter of this.#connectWaiters.splice(0)) waiter.resolve();
    const attempt = this.#attemptFor(generation);
    for (const consumer of this.#consumers) void consumer.attach(connection, attempt);
    for (const queue of this.outbox.waitingQueues()) this.flush(queue, connection);
  }

  /** Once per generation, whichever of the client library's signals comes first. */
  #onLost(generation: number, error: unknown): void {
    if (generation !== this.#generation) return;
    this.#generation += 1; // whatever the dead connection still emits is now stale
    const wasConnected = this.#connection !== undefined;
    this.#connection = undefined;
    this.forget();
    if (error !== undefined && error !== null) this.#lastError = describeError(error);
    else if (wasConnected) this.#lastError = 'connection closed by the broker';
    const requeued = this.outbox.requeueSent();
    for (const consumer of this.#consumers) consumer.detach();
    if (this.#state !== 'running') return;
    const delay = this.#backoff.next();
    if (wasConnected) {
      this.logger.warn(
        { reason: this.#lastError, requeued, retryInMs: delay },
        'broker connection lost; reconnecting',
      );
    } else {
      this.logger.debug(
        { reason: this.#lastError, retryInMs: delay },
        'broker connection attempt failed',
      );
    }
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#state === 'running') this.#attempt();
    }, delay);
  }

  #giveUp(error: Error): void {
    this.logger.warn({ reason: error.message }, 'broker connect() gave up');
    if (this.#state === 'running') this.#state = 'idle';
    this.#rejectConnectWaiters(error);
    void this.#disconnect();
  }

  #rejectConnectWaiters(error: Error): void {
    for (const waiter of this.#connectWaiters.splice(0)) waiter.reject(error);
  }

  /** Stops the reconnect loop and drops the live connection. */
  async #disconnect(): Promise<void> {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const connection = this.#connection;
    this.#generation += 1; // whatever the old connection still emits is now stale
    this.#connection = undefined;
    this.forget();
    if (connection) await this.drop(connection);
  }
}

export interface ConsumerContext {
  logger: Logger;
  redeliveryDelayMs: number;
  /** The broker's own publish (dead letters). */
  publish(queue: string, message: OutgoingMessage): Promise<void>;
}

/**
 * One subscription. The shared part: handlers counted in flight, each delivery settled by its
 * outcome (settle-delivery.ts) only while its connection is the live one, and a stop that lets
 * running handlers finish (bounded). An adapter says how to attach to a connection, how to stop
 * new deliveries, and how to hand back what is left.
 */
export abstract class NetworkConsumer<C> {
  protected readonly inFlight = new InFlight();
  protected stopped = false;
  readonly #settleContext: SettleContext;

  constructor(
    readonly queue: string,
    readonly handler: MessageHandler,
    readonly prefetch: number,
    protected readonly context: ConsumerContext,
  ) {
    this.#settleContext = {
      queue,
      logger: context.logger,
      redeliveryDelayMs: context.redeliveryDelayMs,
      failures: new HandlerFailures(context.logger, queue),
    };
  }

  abstract attach(connection: C, attempt: ConnectionAttempt<C>): void | Promise<void>;
  /** The connection is gone: forget its link (nothing on it can be settled any more). */
  abstract detach(): void;
  /** Before draining: ask for no new deliveries. */
  protected abstract stopDeliveries(): Promise<void>;
  /** After draining: close the link, which hands whatever is unsettled back to the broker. */
  protected abstract release(): Promise<void>;

  /** No new deliveries; wait (bounded) for running handlers to settle, then release the link. */
  async stop(drainTimeoutMs: number): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopDeliveries();
    if (!(await this.inFlight.waitForIdle(drainTimeoutMs))) {
      this.context.logger.warn(
        { queue: this.queue },
        'stopped consuming with handlers still running',
      );
    }
    await this.release();
  }

  /**
   * Runs the handler for one delivery and settles it with `ack` / `retry`, unless the attempt it
   * arrived on is over: the broker redelivers those anyway.
   */
  protected handle(
    message: IncomingMessage,
    attempt: ConnectionAttempt<C>,
    settle: { ack(): void; retry(): void },
  ): Promise<void> {
    const ifCurrent = (action: () => void) => () => {
      if (attempt.isCurrent()) action();
    };
    return this.inFlight.track(() =>
      handleDelivery(
        message,
        this.handler,
        {
          ack: ifCurrent(settle.ack),
          retry: ifCurrent(settle.retry),
          publish: this.context.publish,
        },
        this.#settleContext,
      ),
    );
  }
}
