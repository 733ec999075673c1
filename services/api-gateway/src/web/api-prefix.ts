import type { Middleware } from 'koa';

/**
 * Local mode serves the API under `/api` as nginx does in the cluster, so the web app uses the
 * same URLs everywhere: `/api/vehicles` is handled as `/vehicles`.
 */
export function stripApiPrefix(prefix = '/api'): Middleware {
  return async function stripPrefix(ctx, next) {
    if (ctx.path === prefix || ctx.path.startsWith(`${prefix}/`)) {
      ctx.path = ctx.path.slice(prefix.length) || '/';
    }
    await next();
  };
}
