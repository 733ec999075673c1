/**
 * Reconnect delays: exponential with "equal jitter" (half fixed, half random), capped, so a
 * fleet of pods that lost the broker together does not stampede it when it comes back.
 */
export interface BackoffOptions {
  /** First delay, in ms. Default 100. */
  initialMs?: number;
  /** Cap, in ms. Default 5000. */
  maxMs?: number;
  /** Injectable for tests; must return [0, 1). */
  random?: () => number;
}

export interface Backoff {
  /** Delay before the next attempt; grows until reset(). */
  next(): number;
  /** Call after a successful connection. */
  reset(): void;
}

export function createBackoff(options: BackoffOptions = {}): Backoff {
  const initialMs = options.initialMs ?? 100;
  const maxMs = options.maxMs ?? 5000;
  const random = options.random ?? Math.random;
  if (!(initialMs > 0) || !(maxMs >= initialMs)) {
    throw new RangeError(`backoff needs 0 < initialMs <= maxMs (got ${initialMs}, ${maxMs})`);
  }
  let attempt = 0;
  return {
    next() {
      const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
      attempt += 1;
      const half = ceiling / 2;
      return Math.round(half + random() * half);
    },
    reset() {
      attempt = 0;
    },
  };
}
