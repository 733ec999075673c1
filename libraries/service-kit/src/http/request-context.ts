import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';

const HEADER = 'x-request-id';
const VALID_ID = /^[\w.:-]{1,128}$/;

declare module 'koa' {
  interface DefaultState {
    reqId: string;
    log: Logger;
    /** Set by handlers that are not @koa/router routes (e.g. a proxy) to label their metrics. */
    route?: string;
  }
}

/**
 * Gives each request an id (the caller's, if it sent a sane one), echoes it back, and a child
 * logger carrying it; logs one line per request with its duration.
 */
export function requestContext({ logger }: { logger: Logger }): Middleware {
  return async function withRequestContext(ctx, next) {
    const incoming = ctx.get(HEADER);
    const reqId = VALID_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.reqId = reqId;
    ctx.state.log = logger.child({ reqId });
    ctx.set(HEADER, reqId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const quiet = ctx.path === '/livez' || ctx.path === '/readyz' || ctx.path === '/metrics';
      const line = {
        method: ctx.method,
        path: ctx.path,
        status: ctx.status,
        client: ctx.ip,
        ms: Math.round(ms * 10) / 10,
      };
      if (quiet && ctx.status < 400) ctx.state.log.debug(line, 'request');
      else ctx.state.log.info(line, 'request');
    }
  };
}

export const REQUEST_ID_HEADER = HEADER;
