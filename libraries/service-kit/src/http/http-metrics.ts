import type { Context, Middleware } from 'koa';
import { Counter, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS } from '../metrics.js';

/**
 * RED metrics per route template (`/vehicles/:id`), never the raw path, so vehicle ids cannot
 * explode the series count. Unmatched paths are grouped under `unmatched`.
 */
export function httpMetrics({ registry }: { registry: Registry }): Middleware {
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests handled, by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration until the response headers are ready, by route template',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return async function measure(ctx, next) {
    const stop = duration.startTimer();
    try {
      await next();
    } finally {
      const labels = { method: ctx.method, route: routeOf(ctx), status: String(ctx.status) };
      requests.inc(labels);
      stop(labels);
    }
  };
}

function routeOf(ctx: Context): string {
  const router = ctx as Context & { _matchedRoute?: unknown; routerPath?: unknown };
  const matched = ctx.state.route ?? router._matchedRoute ?? router.routerPath;
  return typeof matched === 'string' ? matched : 'unmatched';
}
