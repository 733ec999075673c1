import type { Logger } from 'pino';
import type { BackoffOptions } from '@fleetman/service-kit';

/** Settings shared by the AMQP 1.0 and AMQP 0-9-1 adapters. */
export interface NetworkBrokerOptions {
  /** amqp://host:port or amqps://…; credentials in it are overridden by username/password. */
  url: string;
  username?: string;
  password?: string;
  logger: Logger;
  /** Reconnect delays. Default 100 ms doubling to 5 s, with jitter. */
  backoff?: BackoffOptions;
  /** connect() gives up (and stops retrying) after this long. Default 30 s. */
  connectTimeoutMs?: number;
  /** Publishes buffered (sent or waiting) before publish() waits. Default 1 000. */
  maxPendingPublishes?: number;
  /** Pause before a failed message is given back for redelivery. Default 500 ms. */
  redeliveryDelayMs?: number;
  /** close()/cancel() wait this long for in-flight handlers and unconfirmed publishes. Default 5 s. */
  drainTimeoutMs?: number;
}

export const DEFAULT_PREFETCH = 100;

export function validPrefetch(prefetch: number | undefined): number {
  const value = prefetch ?? DEFAULT_PREFETCH;
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new RangeError(`prefetch must be an integer in 1..65535 (got ${value})`);
  }
  return value;
}

/** One line for a log or an error, from whatever a client library threw or emitted. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null) {
    const { condition, description } = error as { condition?: unknown; description?: unknown };
    if (condition !== undefined || description !== undefined) {
      return [condition, description].filter((part) => part !== undefined).join(': ');
    }
  }
  return String(error);
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
