import { env, serviceConfigSchema, type ConfigOf } from '@fleetman/service-kit';
import { authConfigSchema } from './auth/auth-config.js';
import { trustedProxiesParser } from './client-address/trusted-proxies.js';

/** Every setting of the gateway; README.md documents the same table. */
export const gatewayConfigSchema = {
  ...serviceConfigSchema({ port: 8080 }),
  TRACKER_URL: env.url({ protocols: ['http:', 'https:'], default: 'http://127.0.0.1:8081' }),
  /** Until the tracker's response starts, and the longest pause inside a streamed body. */
  TRACKER_TIMEOUT: env.duration({ default: '5s', min: 50, max: 120_000 }),
  /** The tracker sends a heartbeat every 15 s: this much silence means a dead connection. */
  TRACKER_STREAM_IDLE_TIMEOUT: env.duration({ default: '45s', min: 100, max: 600_000 }),
  /** device-ingest's admin port: the device registry's routes (`/devices…`) go there. */
  INGEST_URL: env.url({ protocols: ['http:', 'https:'], default: 'http://127.0.0.1:8083' }),
  INGEST_TIMEOUT: env.duration({ default: '5s', min: 50, max: 120_000 }),
  STREAM_WINDOW_EVENTS: env.int({ default: 10_000, min: 1, max: 1_000_000 }),
  STREAM_WINDOW_AGE: env.duration({ default: '2m', min: 1000, max: 3_600_000 }),
  SSE_CLIENT_BUFFER_BYTES: env.int({ default: 1 << 20, min: 1024, max: 256 << 20 }),
  SSE_HEARTBEAT: env.duration({ default: '15s', min: 10, max: 300_000 }),
  SSE_CLIENT_RETRY: env.duration({ default: '3s', min: 0, max: 300_000 }),
  RATE_LIMIT_RPS: env.number({ default: 20, min: 0.01, max: 1_000_000 }),
  RATE_LIMIT_BURST: env.int({ default: 40, min: 1, max: 1_000_000 }),
  RATE_LIMIT_MAX_CLIENTS: env.int({ default: 100_000, min: 1, max: 10_000_000 }),
  /**
   * Addresses/CIDRs of the proxies (nginx) whose X-Forwarded-For is believed for the client
   * address (rate limit, logs). Unset: none, the peer is the client (reached directly).
   */
  TRUSTED_PROXIES: trustedProxiesParser(),
  /** Local mode: serve this built web app at / and the API under /api as well. */
  WEB_DIR: env.optionalString(),
  /** Local mode: interactive API docs at /docs/ from the Swagger UI assets in this folder. */
  API_DOCS_DIR: env.optionalString(),
  /** Local mode: send the security headers nginx sends, from its file (web/nginx). */
  SECURITY_HEADERS_FILE: env.optionalString(),
  /** Login (AUTH=oidc: a verified ID token and a role on every request): auth/auth-config.ts. */
  ...authConfigSchema,
};

export type GatewayConfig = ConfigOf<typeof gatewayConfigSchema>;
