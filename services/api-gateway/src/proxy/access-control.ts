import type { Middleware } from 'koa';
import type { Operation } from '@fleetman/service-kit';

declare module 'koa' {
  interface DefaultState {
    /** The `x-access` of the operation being answered (openapi.yaml). */
    access?: Operation['access'];
  }
}

/**
 * The one place where write and admin operations (openapi.yaml `x-access`) pass before going
 * upstream. Today it only marks the request (logs and metrics can tell them apart); the
 * access-control issue puts its role check here, and read routes never reach it.
 */
export function accessControl(access: Operation['access']): Middleware {
  return async function checkAccess(ctx, next) {
    ctx.state.access = access;
    await next();
  };
}
