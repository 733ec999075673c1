/**
 * A token bucket: holds up to `burst` tokens, refills `ratePerSecond` continuously, and each
 * request takes one. Time is passed in so the arithmetic is testable without sleeping.
 */

export interface TokenBucketOptions {
  ratePerSecond: number;
  burst: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly options: TokenBucketOptions,
    now: number,
  ) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) {
      throw new Error('TokenBucket needs ratePerSecond > 0 and burst >= 1');
    }
    this.tokens = options.burst;
    this.updatedAt = now;
  }

  /** `cost` tokens at once (device-ingest: one per fix of a request); more than `burst` never passes. */
  take(now: number, cost = 1): TakeResult {
    this.refill(now);
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return { allowed: true };
    }
    const retryAfterMs =
      cost > this.options.burst
        ? Infinity
        : ((cost - this.tokens) / this.options.ratePerSecond) * 1000;
    return { allowed: false, retryAfterMs };
  }

  /** A full bucket behaves exactly like a new one, so the limiter may forget it. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.options.burst;
  }

  private refill(now: number): void {
    // A clock that goes backwards must not mint tokens or make them negative.
    const elapsedMs = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(
      this.options.burst,
      this.tokens + (elapsedMs / 1000) * this.options.ratePerSecond,
    );
    this.updatedAt = Math.max(this.updatedAt, now);
  }
}
