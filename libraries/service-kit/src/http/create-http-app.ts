import Koa, { type Middleware } from 'koa';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { errorHandler } from './error-handler.js';
import { healthRoutes, type ReadinessCheck } from './health.js';
import { httpMetrics } from './http-metrics.js';
import { requireHost } from './malformed-requests.js';
import { requestContext } from './request-context.js';

export interface HttpAppOptions {
  logger: Logger;
  registry: Registry;
  readiness?: ReadinessCheck;
  isStopping?: () => boolean;
  /** Middleware that must see every answer, health and errors included (security headers). */
  first?: Middleware[];
}

/**
 * A Koa app with the middleware every service shares, in the order that matters: request context
 * (id + logger), metrics, then the error handler (so metrics and logs see the final status), then
 * health routes. The service mounts its own routes after this.
 */
export function createHttpApp({
  logger,
  registry,
  readiness = () => ({}),
  isStopping = () => false,
  first = [],
}: HttpAppOptions): Koa {
  const app = new Koa();
  // X-Forwarded-For is not believed from just anyone: a service behind a proxy sets ctx.ip itself
  // from the proxies it trusts (the gateway's client-address.ts).
  app.proxy = false;
  app.silent = true;
  app.on('error', (err: unknown, ctx?: Koa.Context) => {
    // Clients that hang up mid-response (a browser leaving the live stream) are not server failures.
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'EPIPE') return;
    (ctx?.state.log ?? logger).error({ err, path: ctx?.path }, 'request failed');
  });
  for (const middleware of first) app.use(middleware);
  app.use(requestContext({ logger }));
  app.use(httpMetrics({ registry }));
  app.use(errorHandler());
  app.use(requireHost());
  const health = healthRoutes({ registry, readiness, isStopping });
  app.use(health.routes());
  return app;
}
