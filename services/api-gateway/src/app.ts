import Router from '@koa/router';
import type Koa from 'koa';
import {
  ConfigError,
  Counter,
  createHttpApp,
  loadApiContract,
  validateRequests,
  type Logger,
  type RateLimiter,
  type ReadinessCheck,
  type Registry,
} from '@fleetman/service-kit';
import { oidcSettings } from './auth/auth-config.js';
import { verifyIdentity } from './auth/verify-identity.js';
import { clientAddress } from './client-address/client-address.js';
import type { GatewayConfig } from './config.js';
import { upstreamProxy } from './proxy/upstream-proxy.js';
import { accessControl } from './proxy/access-control.js';
import { rateLimit } from './ratelimit/rate-limit.js';
import type { StreamHub } from './stream/stream-hub.js';
import { streamHandler } from './stream/stream-route.js';
import { apiDocs } from './web/api-docs.js';
import { stripApiPrefix } from './web/api-prefix.js';
import { securityHeaders, readSecurityHeaders } from './web/security-headers.js';
import { staticSite } from './web/static-site.js';

export interface GatewayAppDeps {
  config: GatewayConfig;
  logger: Logger;
  registry: Registry;
  hub: StreamHub;
  limiter: RateLimiter;
  readiness: ReadinessCheck;
  isStopping: () => boolean;
}

/** Paths the API owns: never answered with the web app's index.html. */
const API_PREFIXES = [
  '/vehicles',
  '/devices',
  '/stream',
  '/api',
  '/docs',
  '/livez',
  '/readyz',
  '/metrics',
];

/**
 * The gateway's Koa app (never listens): shared middleware and health first, then, in local
 * mode, the web app and the `/api` alias, then the rate-limited API. No body parser anywhere:
 * the proxy forwards GETs only and must not have the request stream consumed before it.
 */
export function createGatewayApp({
  config,
  logger,
  registry,
  hub,
  limiter,
  readiness,
  isStopping,
}: GatewayAppDeps): Koa {
  const headers = config.SECURITY_HEADERS_FILE
    ? [securityHeaders(headersFrom(config.SECURITY_HEADERS_FILE))]
    : [];
  const app = createHttpApp({ logger, registry, readiness, isStopping, first: headers });
  // ctx.ip is the client as a trusted proxy saw it, never what a client claims about itself.
  app.use(clientAddress(config.TRUSTED_PROXIES));
  // AUTH=oidc: nothing but health and metrics (answered above) without a verified identity.
  const oidc = oidcSettings(config);
  if (oidc) app.use(verifyIdentity(oidc));

  const contract = loadApiContract();
  if (config.WEB_DIR) {
    // The site falls back to index.html after the API said 404; it sees the path as requested
    // (the prefix strip is undone on the way out), so /api/<unknown> stays a JSON 404.
    app.use(staticSite({ root: config.WEB_DIR, apiPrefixes: API_PREFIXES }));
    app.use(stripApiPrefix('/api'));
  }
  if (config.API_DOCS_DIR)
    app.use(apiDocs({ assetsDir: config.API_DOCS_DIR, document: contract.document }));

  const rejected = new Counter({
    name: 'http_rate_limited_total',
    help: 'Requests refused with 429 by the per-client rate limit',
    registers: [registry],
  });
  const proxy = upstreamProxy({
    name: 'tracker',
    title: 'The position tracker',
    url: config.TRACKER_URL,
    timeoutMs: config.TRACKER_TIMEOUT,
  });
  const ingest = upstreamProxy({
    name: 'ingest',
    title: 'The device ingest',
    url: config.INGEST_URL,
    timeoutMs: config.INGEST_TIMEOUT,
  });
  const api = new Router();
  api.use(rateLimit({ limiter, rejected }));
  // Checked against openapi.yaml before anything goes upstream, as the tracker checks it.
  api.use(validateRequests(contract));
  api.get('/stream', streamHandler(hub));
  // Every operation openapi.yaml gives to an upstream goes there, each behind the one access
  // check of its `x-access` (read, write or admin): a new route is a contract entry, not code here.
  const upstreams: Record<string, typeof proxy> = { tracker: proxy, 'device-ingest': ingest };
  for (const operation of contract.operations) {
    const upstream = operation.upstream && upstreams[operation.upstream];
    if (!upstream) continue;
    api.register(
      operation.routerPath,
      [operation.method],
      [accessControl(operation.access), upstream],
    );
  }
  app.use(api.routes()).use(api.allowedMethods({ throw: true })); // 405/501 as JSON errors too
  return app;
}

/** An unreadable or unexpected headers file stops the start with one line, as any bad setting. */
function headersFrom(file: string): Record<string, string> {
  try {
    return readSecurityHeaders(file);
  } catch (err) {
    throw new ConfigError('SECURITY_HEADERS_FILE', (err as Error).message);
  }
}
