/**
 * The bounded window of recent events a reconnecting client can resume from. Bounded twice:
 * by count (memory) and by age (a resume after minutes is better served by a fresh snapshot).
 * Ids are the tracker's increasing sequence, so lookups are a binary search.
 */

export interface RingEvent {
  id: number;
  /** Milliseconds (clock of the caller) when the gateway received it; drives age eviction. */
  receivedAt: number;
}

export type ResumeResult<T> = { kind: 'replay'; events: T[] } | { kind: 'gap' };

export interface EventRingOptions {
  maxEvents: number;
  maxAgeMs: number;
}

export class EventRing<T extends RingEvent> {
  private readonly slots: (T | undefined)[];
  private head = 0; // index of the oldest event
  private count = 0;
  /**
   * Every event with an id above this is either in the ring or was never sent to us. Undefined
   * until the first event: before it we know nothing about what the client may have missed.
   */
  private coveredAfter: number | undefined;

  constructor(private readonly options: EventRingOptions) {
    if (!Number.isInteger(options.maxEvents) || options.maxEvents < 1) {
      throw new Error('EventRing maxEvents must be a positive integer');
    }
    this.slots = new Array<T | undefined>(options.maxEvents);
  }

  get size(): number {
    return this.count;
  }

  get lastId(): number | undefined {
    return this.count === 0 ? this.coveredAfter : this.at(this.count - 1).id;
  }

  /**
   * Appends an event whose id must be above every id seen so far. `continuous` says the caller
   * knows nothing was missed since the previous event (the upstream resumed with our
   * Last-Event-ID); otherwise older ids we never saw may exist, so resumes before it are gaps.
   */
  push(event: T, continuous: boolean): void {
    const last = this.lastId;
    if (last !== undefined && event.id <= last) {
      throw new Error(`EventRing ids must increase: got ${event.id} after ${last}`);
    }
    if (!continuous || last === undefined) {
      this.clear();
      this.coveredAfter = event.id - 1;
    }
    if (this.count === this.slots.length) this.evictOldest();
    this.slots[(this.head + this.count) % this.slots.length] = event;
    this.count += 1;
  }

  /**
   * The upstream sent a fresh snapshot ending at `id` (e.g. after a tracker restart): older
   * events can no longer be resumed from, and everything after `id` will follow.
   */
  restartAt(id: number): void {
    const last = this.lastId;
    if (last !== undefined && id <= last) {
      throw new Error(`EventRing ids must increase: got ${id} after ${last}`);
    }
    this.clear();
    this.coveredAfter = id;
  }

  /** Drops events older than maxAgeMs; cheap to call often (stops at the first young one). */
  evictExpired(now: number): void {
    const oldestAllowed = now - this.options.maxAgeMs;
    while (this.count > 0 && this.at(0).receivedAt < oldestAllowed) this.evictOldest();
  }

  /**
   * What a client that has seen everything up to `afterId` is missing. An id older than the
   * window, or newer than anything we have seen (garbage, or another sequence), is a gap.
   */
  since(afterId: number, now: number): ResumeResult<T> {
    this.evictExpired(now);
    const last = this.lastId;
    if (this.coveredAfter === undefined || last === undefined) return { kind: 'gap' };
    if (afterId < this.coveredAfter || afterId > last) return { kind: 'gap' };
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.at(middle).id <= afterId) low = middle + 1;
      else high = middle;
    }
    const events: T[] = [];
    for (let index = low; index < this.count; index += 1) events.push(this.at(index));
    return { kind: 'replay', events };
  }

  private at(offset: number): T {
    return this.slots[(this.head + offset) % this.slots.length] as T;
  }

  private evictOldest(): void {
    this.coveredAfter = this.at(0).id;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.slots.length;
    this.count -= 1;
  }

  private clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
