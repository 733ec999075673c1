/**
 * The broker port: the only messaging API services see. Adapters (AMQP 1.0 / rhea for ActiveMQ,
 * AMQP 0-9-1 / amqplib for RabbitMQ, in-process for local runs) implement it with the same
 * at-least-once semantics, so the tracker's tests hold whichever broker is behind it.
 */

export interface OutgoingMessage {
  /** Raw bytes, or text (sent as UTF-8): JSON producers pass JSON.stringify(x). */
  body: Buffer | string;
  /** Defaults to application/json. */
  contentType?: string;
  /** Travels as the AMQP correlation id; carries the request id across services. */
  correlationId?: string;
  /** Application properties / headers (e.g. the dead-letter reason). */
  headers?: Record<string, string | number | boolean>;
}

export interface IncomingMessage {
  body: Buffer;
  contentType?: string;
  correlationId?: string;
  headers: Record<string, unknown>;
  /** True when the broker says this may have been delivered before. */
  redelivered: boolean;
}

/**
 * What the consumer decided. `ack`: processed (stored) – settle it. `dead-letter`: the message is
 * unusable – the adapter republishes it to `<queue>.DLQ` with a `x-reject-reason` header, awaits
 * the broker's confirmation, then settles the original. Throwing from the handler means a
 * transient failure (e.g. database down): the message is released for redelivery, never lost.
 */
export type Outcome = { kind: 'ack' } | { kind: 'dead-letter'; reason: string };

export type MessageHandler = (message: IncomingMessage) => Promise<Outcome>;

export interface ConsumeOptions {
  /** Max unsettled deliveries in flight (AMQP 1.0 credit / AMQP 0-9-1 prefetch). Default 100. */
  prefetch?: number;
}

export interface Subscription {
  /** Stop receiving; in-flight handlers finish and settle first. */
  cancel(): Promise<void>;
}

export interface Broker {
  /** Resolves once connected; keeps reconnecting with backoff after that on its own. */
  connect(): Promise<void>;
  /**
   * Durable, persistent send. Resolves only when the broker has taken responsibility
   * (AMQP 1.0 `accepted` / AMQP 0-9-1 publisher confirm). Sends issued while disconnected wait
   * for the reconnect; sends unsettled at a disconnect are resent.
   */
  publish(queue: string, message: OutgoingMessage): Promise<void>;
  /**
   * Handlers run concurrently, up to `prefetch`; each message is settled only after its handler's
   * promise settles. Survives reconnects (the subscription is re-established).
   */
  consume(queue: string, handler: MessageHandler, options?: ConsumeOptions): Promise<Subscription>;
  /** Connected right now: feeds /readyz. */
  isConnected(): boolean;
  /** Graceful: stops consuming, waits for in-flight work (bounded), closes the connection. */
  close(): Promise<void>;
}

export const deadLetterQueue = (queue: string): string => `${queue}.DLQ`;
export const REJECT_REASON_HEADER = 'x-reject-reason';
