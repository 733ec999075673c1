import type { Logger } from 'pino';
import { deadLetterCopy } from './dead-letter.js';
import {
  deadLetterQueue,
  type IncomingMessage,
  type MessageHandler,
  type OutgoingMessage,
} from './types.js';

/** What an adapter can do with one delivery; each adapter maps these onto its protocol. */
export interface DeliveryControls {
  /** Settle it as processed. */
  ack(): void;
  /** Give it back for redelivery (AMQP 1.0 modified/delivery-failed, 0-9-1 nack+requeue). */
  retry(): void;
  /** Durable, confirmed publish (the adapter's own publish). */
  publish(queue: string, message: OutgoingMessage): Promise<void>;
}

export interface SettleContext {
  queue: string;
  logger: Logger;
  /**
   * Pause before giving a failed message back, so a handler that fails on every message
   * (database down) does not spin through the queue at full speed.
   */
  redeliveryDelayMs: number;
  /** One per consumer: logs a failure episode once, not once per message. */
  failures: HandlerFailures;
}

/**
 * A database outage makes every message fail: log its start (warn) and its end (info) once,
 * each redelivery only at debug, so the logs do not drown.
 */
export class HandlerFailures {
  #count = 0;

  constructor(
    private readonly logger: Logger,
    private readonly queue: string,
  ) {}

  failed(error: unknown, correlationId: string | undefined): void {
    this.#count += 1;
    const fields = { err: error, queue: this.queue, correlationId };
    if (this.#count === 1)
      this.logger.warn(
        fields,
        'message handler failing; messages will be redelivered until it succeeds',
      );
    else this.logger.debug(fields, 'message handler failed again; message will be redelivered');
  }

  succeeded(): void {
    if (this.#count === 0) return;
    this.logger.info({ queue: this.queue, failures: this.#count }, 'message handler recovered');
    this.#count = 0;
  }
}

/**
 * Runs the handler for one delivery and settles it by the outcome. Settles exactly once;
 * never throws (a failure here must not take the consumer down).
 */
export async function handleDelivery(
  message: IncomingMessage,
  handler: MessageHandler,
  controls: DeliveryControls,
  context: SettleContext,
): Promise<void> {
  let outcome;
  try {
    outcome = await handler(message);
  } catch (error) {
    context.failures.failed(error, message.correlationId);
    await retryLater(controls, context);
    return;
  }

  if (outcome?.kind === 'ack' || outcome?.kind === 'dead-letter') context.failures.succeeded();
  if (outcome?.kind === 'ack') {
    controls.ack();
    return;
  }
  if (outcome?.kind === 'dead-letter') {
    try {
      await controls.publish(
        deadLetterQueue(context.queue),
        deadLetterCopy(message, outcome.reason),
      );
    } catch (error) {
      context.logger.error(
        { err: error, queue: context.queue, correlationId: message.correlationId },
        'could not dead-letter message; it will be redelivered',
      );
      await retryLater(controls, context);
      return;
    }
    controls.ack();
    return;
  }
  context.logger.error(
    { queue: context.queue, outcome },
    'message handler returned no valid outcome; message will be redelivered',
  );
  await retryLater(controls, context);
}

async function retryLater(controls: DeliveryControls, context: SettleContext): Promise<void> {
  if (context.redeliveryDelayMs > 0) {
    await new Promise((resolve) => setTimeout(resolve, context.redeliveryDelayMs));
  }
  controls.retry();
}
