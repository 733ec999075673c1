import Router from '@koa/router';
import type { Registry } from 'prom-client';

/** What a service reports as its critical dependencies: name → up. */
export type ReadinessCheck = () => Record<string, boolean> | Promise<Record<string, boolean>>;

export interface HealthOptions {
  registry: Registry;
  readiness: ReadinessCheck;
  isStopping: () => boolean;
}

/**
 * `/livez` answers while the event loop runs (no dependency checks: a broker outage must not get
 * the pod killed); `/readyz` is 503 while a critical dependency is down or the process is
 * shutting down; `/metrics` is the Prometheus text of the service's one registry.
 */
export function healthRoutes({ registry, readiness, isStopping }: HealthOptions): Router {
  const router = new Router();
  router.get('/livez', (ctx) => {
    ctx.body = { status: 'alive' };
  });
  router.get('/readyz', async (ctx) => {
    const checks = { ...(await readiness()), ...(isStopping() ? { shutdown: false } : {}) };
    const down = Object.entries(checks)
      .filter(([, up]) => !up)
      .map(([name]) => name);
    ctx.status = down.length === 0 ? 200 : 503;
    ctx.body =
      down.length === 0
        ? { status: 'ready', checks }
        : { error: 'not_ready', message: `Not ready: ${down.join(', ')}`, checks };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  return router;
}
