import type { Middleware } from 'koa';
import { AppError, type Operation } from '@fleetman/service-kit';

declare module 'koa' {
  interface DefaultState {
    /** The `x-access` of the operation being answered (openapi.yaml). */
    access?: Operation['access'];
  }
}

/**
 * The one place where write and admin operations (openapi.yaml `x-access`) pass before going
 * upstream; read routes never reach it. With a login (AUTH=oidc, `ctx.state.user` set by
 * verifyIdentity) both need the dispatcher role, whatever the method: the registry's reads
 * (`GET /devices`) are an administrator's, not a viewer's. Without a login (npm start on
 * loopback) it only marks the request for logs and metrics.
 */
export function accessControl(access: Operation['access']): Middleware {
  return async function checkAccess(ctx, next) {
    ctx.state.access = access;
    const user = ctx.state.user;
    if (user && (access === 'write' || access === 'admin') && !user.roles.has('dispatcher'))
      throw new AppError(403, 'forbidden', 'This needs the dispatcher role');
    await next();
  };
}
