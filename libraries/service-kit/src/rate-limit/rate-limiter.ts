import { TokenBucket, type TakeResult, type TokenBucketOptions } from './token-bucket.js';

/**
 * One token bucket per key (the gateway: client IP; device-ingest: device), in memory, with bounded memory: full buckets are
 * forgotten by a periodic sweep, and past `maxKeys` the least recently used key is dropped
 * (a flood of distinct addresses costs that address its history, not the gateway its heap).
 */

export interface RateLimiterOptions extends TokenBucketOptions {
  maxKeys: number;
}

export class RateLimiter {
  // Map iteration order is insertion order: re-inserting on use keeps it an LRU.
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly options: RateLimiterOptions) {}

  get trackedKeys(): number {
    return this.buckets.size;
  }

  take(key: string, now: number, cost = 1): TakeResult {
    let bucket = this.buckets.get(key);
    if (bucket) this.buckets.delete(key);
    else bucket = new TokenBucket(this.options, now);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.options.maxKeys) {
      const oldest = this.buckets.keys().next().value as string;
      this.buckets.delete(oldest);
    }
    return bucket.take(now, cost);
  }

  /** Forget keys whose bucket has refilled completely (they carry no information). */
  sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }
}
