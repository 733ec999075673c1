import type { OutgoingMessage } from './types.js';

/**
 * Publishes not yet confirmed by the broker, per queue, in order. An entry is `waiting` (not
 * on the wire: disconnected, no credit) or `sent` (on the wire, awaiting accepted/confirm).
 * On a disconnect every `sent` entry goes back to the front of its queue's waiting line, so
 * it is resent after the reconnect: at-least-once, hence idempotent consumers.
 * Bounded: when full, `add` waits for room (backpressure) instead of growing without limit.
 */
export interface PendingPublish {
  readonly queue: string;
  readonly message: OutgoingMessage;
  /** Bumped each time the entry is (re)sent, so a late confirm of an old send is ignored. */
  attempt: number;
}

interface Entry extends PendingPublish {
  resolve(): void;
  reject(error: Error): void;
  state: 'waiting' | 'sent';
}

export class Outbox {
  readonly #capacity: number;
  readonly #waiting = new Map<string, Entry[]>();
  readonly #sent = new Set<Entry>();
  #size = 0;
  #roomWaiters: Array<() => void> = [];
  #emptyWaiters: Array<() => void> = [];
  #closedError: Error | undefined;

  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`outbox capacity must be >= 1 (got ${capacity})`);
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#size;
  }

  /** Queues a publish; resolves when the broker confirms it, waits first if the outbox is full. */
  async add(
    queue: string,
    message: OutgoingMessage,
    onQueued: (queue: string) => void,
  ): Promise<void> {
    while (this.#size >= this.#capacity && !this.#closedError) {
      await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
    }
    if (this.#closedError) throw this.#closedError;
    return new Promise<void>((resolve, reject) => {
      const entry: Entry = { queue, message, attempt: 0, state: 'waiting', resolve, reject };
      this.#lineFor(queue).push(entry);
      this.#size += 1;
      onQueued(queue);
    });
  }

  /** Queues with waiting entries. */
  waitingQueues(): string[] {
    return [...this.#waiting].filter(([, line]) => line.length > 0).map(([queue]) => queue);
  }

  /** Takes the next waiting entry of `queue` and marks it sent. */
  takeNext(queue: string): PendingPublish | undefined {
    const entry = this.#waiting.get(queue)?.shift();
    if (!entry) return undefined;
    entry.state = 'sent';
    entry.attempt += 1;
    this.#sent.add(entry);
    return entry;
  }

  /** Puts a sent entry back at the front (e.g. the send itself failed synchronously). */
  putBack(pending: PendingPublish): void {
    const entry = pending as Entry;
    if (!this.#sent.delete(entry)) return;
    entry.state = 'waiting';
    this.#lineFor(entry.queue).unshift(entry);
  }

  /** Broker confirmed (or refused, with `error`) this send. Stale attempts are ignored. */
  settle(pending: PendingPublish, attempt: number, error?: Error): void {
    const entry = pending as Entry;
    if (entry.attempt !== attempt || !this.#sent.delete(entry)) return;
    this.#size -= 1;
    this.#roomWaiters.shift()?.();
    if (this.#size === 0) for (const wake of this.#emptyWaiters.splice(0)) wake();
    if (error) entry.reject(error);
    else entry.resolve();
  }

  /** Connection lost: everything on the wire is resent later, ahead of what was waiting. */
  requeueSent(): number {
    const byQueue = new Map<string, Entry[]>();
    for (const entry of this.#sent) {
      entry.state = 'waiting';
      const line = byQueue.get(entry.queue) ?? [];
      line.push(entry);
      byQueue.set(entry.queue, line);
    }
    const count = this.#sent.size;
    this.#sent.clear();
    for (const [queue, line] of byQueue)
      this.#waiting.set(queue, [...line, ...this.#lineFor(queue)]);
    return count;
  }

  /** Resolves true once nothing is pending, false if `timeoutMs` passes first. */
  waitForEmpty(timeoutMs: number): Promise<boolean> {
    if (this.#size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#emptyWaiters = this.#emptyWaiters.filter((waiter) => waiter !== wake);
        resolve(false);
      }, timeoutMs);
      this.#emptyWaiters.push(wake);
    });
  }

  /** Fails everything pending and every later add (close). */
  close(error: Error): void {
    this.#closedError = error;
    for (const entry of this.#sent) entry.reject(error);
    for (const line of this.#waiting.values()) for (const entry of line) entry.reject(error);
    this.#sent.clear();
    this.#waiting.clear();
    this.#size = 0;
    for (const wake of this.#roomWaiters.splice(0)) wake();
    for (const wake of this.#emptyWaiters.splice(0)) wake();
  }

  #lineFor(queue: string): Entry[] {
    let line = this.#waiting.get(queue);
    if (!line) {
      line = [];
      this.#waiting.set(queue, line);
    }
    return line;
  }
}
