/**
 * The tracker's live stream: each accepted position (and each status change) gets a sequence number and sits in a bounded
 * ring so a client that reconnects with Last-Event-ID receives what it missed. The sequence starts
 * from a time-derived base (µs since the epoch), so it keeps increasing across restarts without
 * being stored: ids a client saw before a restart stay smaller than the new ones.
 */

export interface LiveEvent {
  seq: number;
  /** The SSE event name (`position`, `status`). */
  event: string;
  /** Serialized once, written to every subscriber as is. */
  data: string;
}

export type Listener = (event: LiveEvent) => void;

export class LiveFeed {
  #ring: Array<LiveEvent | undefined>;
  #next: number;
  #count = 0;
  #listeners = new Set<Listener>();

  constructor(
    readonly capacity = 10_000,
    start = Date.now() * 1000,
  ) {
    this.#ring = new Array<LiveEvent | undefined>(capacity);
    this.#next = start;
  }

  get lastSeq(): number {
    return this.#next - 1;
  }

  /** The payload goes out with its `seq`, so clients can order and resume without the SSE id. */
  publish(name: string, payload: object): LiveEvent {
    const seq = this.#next++;
    const event = { seq, event: name, data: JSON.stringify({ ...payload, seq }) };
    this.#ring[event.seq % this.capacity] = event;
    this.#count = Math.min(this.#count + 1, this.capacity);
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  /**
   * Events after `seq`, oldest first; `undefined` when the gap is no longer covered by the ring
   * (or the id is from the future, e.g. garbage), in which case the caller sends a snapshot instead.
   */
  since(seq: number): LiveEvent[] | undefined {
    const oldest = this.#next - this.#count;
    if (!Number.isSafeInteger(seq) || seq >= this.#next || seq < oldest - 1) return undefined;
    const missed: LiveEvent[] = [];
    for (let s = seq + 1; s < this.#next; s++)
      missed.push(this.#ring[s % this.capacity] as LiveEvent);
    return missed;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get subscribers(): number {
    return this.#listeners.size;
  }
}
