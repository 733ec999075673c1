import type { Logger } from 'pino';
import { InFlight } from './in-flight.js';
import { handleDelivery, HandlerFailures, type SettleContext } from './settle-delivery.js';
import type {
  Broker,
  ConsumeOptions,
  IncomingMessage,
  MessageHandler,
  OutgoingMessage,
  Subscription,
} from './types.js';

/**
 * The embedded broker for local runs (simulator, tracker and gateway in one process). Same
 * contract as the networked adapters: bounded queues (publish waits when full), at most
 * `prefetch` handlers in flight per consumer, redelivery (flagged, after a pause) when a handler
 * throws, dead letters kept in bounded in-memory `<queue>.DLQ` queues. Nothing survives the
 * process: that is the trade for needing no server.
 */
export interface InProcessBrokerOptions {
  logger: Logger;
  /** Ready messages per queue before publish starts waiting. Default 10 000. */
  queueCapacity?: number;
  /** Messages kept per `*.DLQ` queue; the oldest are dropped beyond it. Default 1 000. */
  deadLetterCapacity?: number;
  /** Pause before a failed message is offered again. Default 500 ms. */
  redeliveryDelayMs?: number;
  /** How long close()/cancel() wait for in-flight handlers. Default 5 s. */
  drainTimeoutMs?: number;
}

interface StoredMessage {
  body: Buffer;
  contentType: string;
  correlationId: string | undefined;
  headers: Record<string, string | number | boolean>;
  redelivered: boolean;
}

interface LocalConsumer {
  handler: MessageHandler;
  settleContext: SettleContext;
  prefetch: number;
  inFlight: InFlight;
  active: boolean;
}

interface MemoryQueue {
  ready: StoredMessage[];
  consumers: LocalConsumer[];
  nextConsumer: number;
  roomWaiters: Array<() => void>;
}

const DEFAULT_PREFETCH = 100;
const isDeadLetterQueue = (name: string): boolean => name.endsWith('.DLQ');

export class InProcessBroker implements Broker {
  readonly #logger: Logger;
  readonly #queueCapacity: number;
  readonly #deadLetterCapacity: number;
  readonly #redeliveryDelayMs: number;
  readonly #drainTimeoutMs: number;
  readonly #queues = new Map<string, MemoryQueue>();
  #connected = false;
  #closed = false;

  constructor(options: InProcessBrokerOptions) {
    this.#logger = options.logger;
    this.#queueCapacity = positive('queueCapacity', options.queueCapacity ?? 10_000);
    this.#deadLetterCapacity = positive('deadLetterCapacity', options.deadLetterCapacity ?? 1_000);
    this.#redeliveryDelayMs = options.redeliveryDelayMs ?? 500;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? 5_000;
  }

  async connect(): Promise<void> {
    if (this.#closed) throw new Error('in-process broker is closed');
    if (!this.#connected) this.#logger.info({ broker: 'in-process' }, 'broker connected');
    this.#connected = true;
  }

  isConnected(): boolean {
    return this.#connected && !this.#closed;
  }

  async publish(queueName: string, message: OutgoingMessage): Promise<void> {
    const queue = this.#queue(queueName);
    if (isDeadLetterQueue(queueName)) {
      // Nobody may be draining a DLQ: never block the consumer that dead-letters, drop the oldest.
      if (queue.ready.length >= this.#deadLetterCapacity) {
        queue.ready.shift();
        this.#logger.warn(
          { queue: queueName },
          'in-process dead-letter queue full; dropped its oldest message',
        );
      }
    } else {
      while (queue.ready.length >= this.#queueCapacity && !this.#closed) {
        await new Promise<void>((resolve) => queue.roomWaiters.push(resolve));
      }
    }
    if (this.#closed)
      throw new Error(`in-process broker is closed; message for ${queueName} not accepted`);
    queue.ready.push({
      // Copied: the publisher may reuse its buffer, and a redelivery must see the original.
      body: Buffer.from(message.body),
      contentType: message.contentType ?? 'application/json',
      correlationId: message.correlationId,
      headers: { ...message.headers },
      redelivered: false,
    });
    this.#dispatch(queueName);
  }

  async consume(
    queueName: string,
    handler: MessageHandler,
    options: ConsumeOptions = {},
  ): Promise<Subscription> {
    if (this.#closed) throw new Error('in-process broker is closed');
    const consumer: LocalConsumer = {
      handler,
      settleContext: {
        queue: queueName,
        logger: this.#logger,
        redeliveryDelayMs: this.#redeliveryDelayMs,
        failures: new HandlerFailures(this.#logger, queueName),
      },
      prefetch: positive('prefetch', options.prefetch ?? DEFAULT_PREFETCH),
      inFlight: new InFlight(),
      active: true,
    };
    const queue = this.#queue(queueName);
    queue.consumers.push(consumer);
    this.#dispatch(queueName);
    return {
      cancel: async () => {
        consumer.active = false;
        queue.consumers = queue.consumers.filter((other) => other !== consumer);
        await consumer.inFlight.waitForIdle(this.#drainTimeoutMs);
      },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const consumers = [...this.#queues.values()].flatMap((queue) => queue.consumers);
    for (const consumer of consumers) consumer.active = false;
    const drained = await Promise.all(
      consumers.map((c) => c.inFlight.waitForIdle(this.#drainTimeoutMs)),
    );
    if (drained.includes(false))
      this.#logger.warn('in-process broker closed with handlers still running');
    for (const queue of this.#queues.values())
      for (const wake of queue.roomWaiters.splice(0)) wake();
    this.#connected = false;
    this.#logger.info({ broker: 'in-process' }, 'broker closed');
  }

  /** Snapshot of the messages waiting in a queue (e.g. `positionQueue.DLQ`), oldest first. */
  peek(queueName: string): IncomingMessage[] {
    return (this.#queues.get(queueName)?.ready ?? []).map(toIncoming);
  }

  /** Ready (not in-flight) messages in a queue. */
  depth(queueName: string): number {
    return this.#queues.get(queueName)?.ready.length ?? 0;
  }

  #queue(name: string): MemoryQueue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = { ready: [], consumers: [], nextConsumer: 0, roomWaiters: [] };
      this.#queues.set(name, queue);
    }
    return queue;
  }

  /** Hands ready messages to consumers with spare prefetch, round-robin. */
  #dispatch(queueName: string): void {
    const queue = this.#queue(queueName);
    while (queue.ready.length > 0 && !this.#closed) {
      const consumer = this.#nextFreeConsumer(queue);
      if (!consumer) return;
      const stored = queue.ready.shift()!;
      if (queue.ready.length < this.#queueCapacity) queue.roomWaiters.shift()?.();
      void consumer.inFlight
        .track(() =>
          handleDelivery(
            toIncoming(stored),
            consumer.handler,
            {
              ack: () => {},
              retry: () => this.#redeliver(queueName, stored),
              publish: (target, message) => this.publish(target, message),
            },
            consumer.settleContext,
          ),
        )
        .finally(() => this.#dispatch(queueName));
    }
  }

  #nextFreeConsumer(queue: MemoryQueue): LocalConsumer | undefined {
    const count = queue.consumers.length;
    for (let i = 0; i < count; i++) {
      const index = (queue.nextConsumer + i) % count;
      const consumer = queue.consumers[index]!;
      if (consumer.active && consumer.inFlight.count < consumer.prefetch) {
        queue.nextConsumer = (index + 1) % count;
        return consumer;
      }
    }
    return undefined;
  }

  #redeliver(queueName: string, stored: StoredMessage): void {
    // Back to the front, past the capacity check: it was already admitted once.
    // The failing consumer's slot frees once this returns; #dispatch runs then (see track().finally).
    this.#queue(queueName).ready.unshift({ ...stored, redelivered: true });
  }
}

function toIncoming(stored: StoredMessage): IncomingMessage {
  return {
    body: Buffer.from(stored.body),
    contentType: stored.contentType,
    ...(stored.correlationId !== undefined && { correlationId: stored.correlationId }),
    headers: { ...stored.headers },
    redelivered: stored.redelivered,
  };
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer (got ${value})`);
  return value;
}
