import type { Middleware } from 'koa';

/**
 * Local mode serves the API under `/api` as nginx does in the cluster, so the web app uses the
 * same URLs everywhere: `/api/vehicles` is handled as `/vehicles`.
 */
export function stripApiPrefix(prefix = '/api'): Middleware {
  return async function stripPrefix(ctx, next) {
    const original = ctx.path;
    if (original !== prefix && !original.startsWith(`${prefix}/`)) return next();
    ctx.path = original.slice(prefix.length) || '/';
    try {
      await next();
    } finally {
      // Outer middleware (the static site's fallback, the error text, the request log) see the
      // path the client asked for.
      ctx.path = original;
    }
  };
}
