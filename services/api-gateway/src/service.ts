import {
  listen,
  RateLimiter,
  type Logger,
  type Registry,
  type RunningServer,
} from '@fleetman/service-kit';
import type Koa from 'koa';
import { createGatewayApp } from './app.js';
import type { GatewayConfig } from './config.js';
import { StreamHub } from './stream/stream-hub.js';
import { createStreamMetrics } from './stream/stream-metrics.js';
import { UpstreamStream } from './stream/upstream-stream.js';

export { gatewayConfigSchema, type GatewayConfig } from './config.js';

export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  registry: Registry;
  /** The process lifecycle's flag, so /readyz turns 503 as soon as a shutdown begins (drain). */
  isStopping?: () => boolean;
}

export interface RunningGateway {
  app: Koa;
  server: RunningServer;
  hub: StreamHub;
  upstream: UpstreamStream;
  /** Not ready → end SSE streams politely → close HTTP (bounded) → stop the tracker stream. */
  stop(): Promise<void>;
}

/**
 * Starts the gateway in-process (main.ts and the local all-in-one runner both use this): HTTP
 * first, then the one upstream stream to the tracker, which reconnects on its own.
 */
export async function startApiGateway({
  config,
  logger,
  registry,
  isStopping,
}: GatewayDeps): Promise<RunningGateway> {
  const metrics = createStreamMetrics(registry);
  const hub = new StreamHub({
    window: { maxEvents: config.STREAM_WINDOW_EVENTS, maxAgeMs: config.STREAM_WINDOW_AGE },
    clientMaxBytes: config.SSE_CLIENT_BUFFER_BYTES,
    heartbeatMs: config.SSE_HEARTBEAT,
    clientRetryMs: config.SSE_CLIENT_RETRY,
    metrics,
  });
  const upstream = new UpstreamStream({
    url: new URL('stream', withSlash(config.TRACKER_URL)).href,
    idleTimeoutMs: config.TRACKER_STREAM_IDLE_TIMEOUT,
    backoff: { initialMs: 250, maxMs: 10_000 },
    lastEventId: () => hub.lastId,
    onEvent: (event, continuous) => hub.publish(event, continuous),
    onConnected: () => metrics.upstreamConnected.set(1),
    onDisconnected: () => {
      metrics.upstreamConnected.set(0);
      metrics.upstreamReconnects.inc();
    },
    logger: logger.child({ component: 'tracker-stream' }),
  });
  const limiter = new RateLimiter({
    ratePerSecond: config.RATE_LIMIT_RPS,
    burst: config.RATE_LIMIT_BURST,
    maxKeys: config.RATE_LIMIT_MAX_CLIENTS,
  });
  const sweeper = setInterval(() => limiter.sweep(Date.now()), 60_000).unref();

  let stopping = false;
  const app = createGatewayApp({
    config,
    logger,
    registry,
    hub,
    limiter,
    // Ready once the tracker stream has been up (new clients then get a real snapshot). A later
    // tracker outage does not flip it: every replica would fail together and the Service would
    // have no endpoint left to answer the clear 503s and keep the streams' heartbeats going.
    readiness: () => ({ trackerStream: upstream.everConnected }),
    isStopping: () => stopping || (isStopping?.() ?? false),
  });
  const server = await listen(app, config.PORT);
  upstream.start();
  logger.info(
    {
      port: server.port,
      tracker: config.TRACKER_URL,
      web: config.WEB_DIR ?? null,
      // AUTH=off: no login, anyone who reaches this port reads the fleet.
      auth: config.AUTH,
      ...(config.AUTH === 'oidc' && { issuer: config.AUTH_ISSUER }),
    },
    'api-gateway listening',
  );

  return {
    app,
    server,
    hub,
    upstream,
    async stop() {
      stopping = true;
      clearInterval(sweeper);
      hub.close();
      await server.close(2_000);
      upstream.stop();
    },
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
