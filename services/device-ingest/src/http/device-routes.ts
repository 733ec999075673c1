import Router from '@koa/router';
import type { Context } from 'koa';
import { AppError, type RateLimiter } from '@fleetman/service-kit';
import type { Decoded, FixProblem, Protocol } from '../protocols/device-fix.js';
import { decodeOsmAnd, isJsonRequest } from '../protocols/osmand.js';
import { decodeOwnTracks } from '../protocols/owntracks.js';
import type { FixPublisher } from '../ingest/fix-publisher.js';
import type { IngestMetrics } from '../ingest/ingest-metrics.js';
import type { AuthFailure, DeviceRegistry } from '../registry/device-registry.js';
import { readBody } from './read-body.js';

export interface DeviceRoutesOptions {
  registry: DeviceRegistry;
  publisher: FixPublisher;
  limiter: RateLimiter;
  metrics: IngestMetrics;
  bodyLimit: number;
}

/** How each protocol refuses a device the registry does not accept. */
interface Refusals {
  status(reason: AuthFailure, ctx: Context, body: string): number;
  headers: Record<string, string>;
}

const OSMAND: Refusals = {
  // As Traccar answers: an unknown id is 400 for a query or form, 404 for a JSON body; a
  // registered device without its secret is 401.
  status: (reason, ctx, body) =>
    reason === 'unknown_device' || reason === 'revoked'
      ? isJsonRequest(ctx.get('content-type'), body)
        ? 404
        : 400
      : 401,
  headers: {},
};
const OWNTRACKS: Refusals = {
  // The app shows 401 as "wrong credentials", which is what every refusal is to its user.
  status: () => 401,
  headers: { 'WWW-Authenticate': 'Basic realm="fleetman", charset="UTF-8"' },
};

/**
 * The devices' port: OsmAnd / Traccar Client at `/` (GET or POST, as Traccar's port 5055),
 * OwnTracks HTTP at `/owntracks` and `/pub` (the OwnTracks Recorder's path). Each request is
 * decoded, rate limited per device, checked against the registry, and its fixes published and
 * confirmed before the answer: 200 means "stored durably", anything else means "send it again".
 */
export function deviceRoutes(options: DeviceRoutesOptions): Router {
  const router = new Router();
  const osmAnd = async (ctx: Context) => {
    const body = ctx.method === 'POST' ? await bodyOf(ctx, 'osmand', options) : '';
    const decoded = decodeOsmAnd({
      method: ctx.method,
      querystring: ctx.querystring,
      contentType: ctx.get('content-type') || undefined,
      body,
      authorization: ctx.get('authorization') || undefined,
      receivedAt: new Date(),
    });
    await ingest(ctx, 'osmand', decoded, body, OSMAND, options);
    ctx.status = 200;
    ctx.body = '';
  };
  router.get('/', osmAnd);
  router.post('/', osmAnd);

  const ownTracks = async (ctx: Context) => {
    const body = await bodyOf(ctx, 'owntracks', options);
    const decoded = decodeOwnTracks({
      body,
      authorization: ctx.get('authorization') || undefined,
      user: ctx.get('x-limit-u') || undefined,
      device: ctx.get('x-limit-d') || undefined,
    });
    await ingest(ctx, 'owntracks', decoded, body, OWNTRACKS, options);
    ctx.status = 200;
    ctx.body = []; // what the app expects: a JSON array (of cards/commands; none here)
  };
  router.post('/owntracks', ownTracks);
  router.post('/pub', ownTracks);
  return router;
}

async function bodyOf(ctx: Context, protocol: Protocol, options: DeviceRoutesOptions) {
  try {
    return await readBody(ctx, options.bodyLimit);
  } catch (err) {
    options.metrics.request(protocol, 'too_large');
    throw err;
  }
}

async function ingest(
  ctx: Context,
  protocol: Protocol,
  decoded: Decoded,
  body: string,
  refusals: Refusals,
  { registry, publisher, limiter, metrics }: DeviceRoutesOptions,
): Promise<void> {
  if (!decoded.ok) {
    metrics.rejected(protocol, decoded.problem.reason);
    metrics.request(protocol, 'bad_request');
    throw badRequest(decoded.problem);
  }
  const { credentials, fixes, ignored } = decoded;
  for (const reason of ignored) metrics.ignored(protocol, reason);
  metrics.fixes(protocol, 'ignored', ignored.length);

  // Before the registry: it bounds the scrypt work one device id can cause, too.
  const taken = limiter.take(credentials.deviceId, Date.now(), Math.max(1, fixes.length));
  if (!taken.allowed) {
    metrics.request(protocol, 'rate_limited');
    const seconds = Number.isFinite(taken.retryAfterMs)
      ? Math.max(1, Math.ceil(taken.retryAfterMs / 1000))
      : 60;
    throw new AppError(
      429,
      'rate_limited',
      `Too many fixes from this device; retry in ${seconds} s`,
      {
        'Retry-After': String(seconds),
      },
    );
  }

  let auth: Awaited<ReturnType<DeviceRegistry['authenticate']>>;
  try {
    auth = await registry.authenticate(credentials);
  } catch (err) {
    // The registry's database is down and this device is not in the cache: a retry will do.
    metrics.request(protocol, 'unavailable');
    ctx.state.log.warn({ err, device: credentials.deviceId }, 'device registry unavailable');
    throw new AppError(503, 'unavailable', 'The device registry is unavailable; send again', {
      'Retry-After': '5',
    });
  }
  if (!auth.ok) {
    metrics.authFailure(protocol, auth.reason);
    const status = refusals.status(auth.reason, ctx, body);
    metrics.request(protocol, status === 401 ? 'unauthorized' : 'unknown_device');
    ctx.state.log.info({ device: credentials.deviceId, reason: auth.reason }, 'device refused');
    throw new AppError(status, auth.reason, refusalMessage(auth.reason, credentials.deviceId), {
      ...(status === 401 ? refusals.headers : {}),
    });
  }

  const prepared = publisher.prepare(auth.device, fixes);
  const problems = [...decoded.problems, ...prepared.problems];
  for (const problem of problems) metrics.rejected(protocol, problem.reason);
  metrics.fixes(protocol, 'rejected', problems.length);
  if (prepared.messages.length === 0 && problems.length > 0) {
    metrics.request(protocol, 'bad_request');
    throw badRequest(problems[0]!);
  }
  if (problems.length > 0) {
    // Kept apart, not refused with the batch: a 4xx would make the phone resend its whole
    // buffer forever, the bad fix with it.
    ctx.state.log.info(
      { device: credentials.deviceId, refused: problems.length, first: problems[0] },
      'fixes refused inside a batch',
    );
  }

  if (prepared.messages.length > 0) {
    const done = metrics.publishTimer(protocol);
    try {
      await publisher.publish(prepared.messages, ctx.state.reqId);
    } catch (err) {
      metrics.publishFailed();
      metrics.request(protocol, 'unavailable');
      ctx.state.log.warn(
        { err, device: credentials.deviceId },
        'fixes not confirmed by the broker',
      );
      throw new AppError(503, 'unavailable', 'The fixes could not be queued; send them again', {
        'Retry-After': '5',
      });
    }
    done();
    metrics.published(prepared.messages.length);
    metrics.fixes(protocol, 'accepted', prepared.messages.length);
  }
  metrics.request(protocol, 'accepted');
  ctx.state.log.debug(
    { device: credentials.deviceId, vehicle: auth.device.vehicle, fixes: prepared.messages.length },
    'fixes accepted',
  );
}

const badRequest = (problem: FixProblem) =>
  new AppError(400, problem.reason, `${problem.reason}: ${problem.detail}`);

function refusalMessage(reason: AuthFailure, deviceId: string): string {
  switch (reason) {
    case 'unknown_device':
      return `Device "${deviceId}" is not registered`;
    case 'revoked':
      return `Device "${deviceId}" has been revoked`;
    case 'missing_secret':
      return 'The device secret is missing (token parameter, or the password of HTTP Basic)';
    case 'bad_secret':
      return 'The device secret is wrong';
  }
}
