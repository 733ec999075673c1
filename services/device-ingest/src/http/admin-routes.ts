import Router from '@koa/router';
import type { Context } from 'koa';
import { AppError, type ApiContract } from '@fleetman/service-kit';
import type { DeviceRegistry, Registration } from '../registry/device-registry.js';
import { readBody } from './read-body.js';

const ADMIN_BODY_LIMIT = 16 * 1024;

/**
 * The registry's admin API (`/devices…` in openapi.yaml), on its own port: the gateway is its
 * only client (NetworkPolicy), the devices never see it. Parameters are checked by
 * validateRequests before these handlers; bodies here, against the document's schemas.
 */
export function adminRoutes({
  registry,
  contract,
}: {
  registry: DeviceRegistry;
  contract: ApiContract;
}): Router {
  const router = new Router();
  router.get('/devices', async (ctx) => {
    ctx.body = await registry.list();
  });
  router.post('/devices', async (ctx) => {
    const registration = await jsonBody<Registration>(ctx, contract, 'DeviceRegistration');
    ctx.status = 201;
    ctx.body = await registry.register(registration);
    ctx.set('Location', `/devices/${encodeURIComponent(registration.id)}`);
  });
  router.get('/devices/:id', async (ctx) => {
    ctx.body = await registry.get(ctx.params.id!);
  });
  router.post('/devices/:id/rotate', async (ctx) => {
    ctx.body = await registry.rotate(ctx.params.id!);
  });
  router.post('/devices/:id/revoke', async (ctx) => {
    ctx.body = await registry.revoke(ctx.params.id!);
  });
  return router;
}

async function jsonBody<T>(ctx: Context, contract: ApiContract, schema: string): Promise<T> {
  const type = ctx.get('content-type').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new AppError(415, 'unsupported_media_type', 'The body must be application/json');
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(ctx, ADMIN_BODY_LIMIT));
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(400, 'bad_request', 'The body is not JSON');
  }
  const problems = contract.checkSchema('openapi', schema, body);
  if (problems.length > 0) throw new AppError(400, 'bad_request', problems[0]!);
  return body as T;
}
