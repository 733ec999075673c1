import type { Middleware } from 'koa';
import { AppError } from '../http/app-error.js';
import type { ApiContract } from './api-contract.js';

declare module 'koa' {
  interface DefaultState {
    /** The query as openapi.yaml types it (numbers are numbers), defaults filled in. */
    query?: Record<string, unknown>;
    /** The operation of openapi.yaml this request is. */
    operationId?: string;
  }
}

/**
 * Checks every request that is an operation of openapi.yaml against its parameters' schemas
 * before any handler runs: a mistake is a 400 (`bad_query` for the query, `bad_request` for the
 * path or a header) whose message names the parameter. Paths the document does not have pass
 * through (the router answers 404). Bodies are the concern of the service that parses them.
 */
export function validateRequests(contract: ApiContract): Middleware {
  return async function validateRequest(ctx, next) {
    const match = contract.match(ctx.method, ctx.path);
    if (match) {
      const checked = contract.checkRequest(match, { query: ctx.query, headers: ctx.headers });
      if (checked.problem) throw new AppError(400, checked.problem.code, checked.problem.message);
      ctx.state.query = checked.query;
      ctx.state.operationId = match.operation.operationId;
    }
    await next();
  };
}
