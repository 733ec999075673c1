import type { Middleware } from 'koa';
import { AppError, type Counter, type RateLimiter } from '@fleetman/service-kit';

/**
 * Koa middleware: one token per request from the client's IP (`ctx.ip`, which honours
 * X-Forwarded-For only from TRUSTED_PROXIES: client-address.ts), 429 JSON with
 * Retry-After when the bucket is empty.
 */
export function rateLimit({
  limiter,
  rejected,
}: {
  limiter: RateLimiter;
  rejected: Counter;
}): Middleware {
  return async function limitRate(ctx, next) {
    const result = limiter.take(ctx.ip, Date.now());
    if (!result.allowed) {
      const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
      rejected.inc();
      throw new AppError(429, 'rate_limited', `Too many requests; retry in ${seconds} s`, {
        'Retry-After': String(seconds),
      });
    }
    await next();
  };
}
