import { brokerConfigSchema } from '@fleetman/broker';
import { env, serviceConfigSchema, type ConfigOf } from '@fleetman/service-kit';

/** Every setting of the device ingest; README.md documents the same table. */
export const ingestConfigSchema = {
  /** The devices' port: 5055, where Traccar serves OsmAnd and phone apps expect it. */
  ...serviceConfigSchema({ port: 5055 }),
  /** The registry's admin API (the gateway's upstream); never exposed to devices. */
  ADMIN_PORT: env.port(8083),
  /**
   * Where the devices' port listens. Unset: HOST like every port (all interfaces in a pod).
   * `npm start` binds everything else to loopback but sets this to 0.0.0.0: phones on the LAN
   * must reach it, and each device proves itself with its own secret.
   */
  DEVICE_HOST: env.optionalString(),
  ...brokerConfigSchema,
  /** Unset: the registry lives in memory (npm start, tests). */
  MONGO_URL: env.optionalUrl({ protocols: ['mongodb:', 'mongodb+srv:'] }),
  MONGO_USERNAME: env.optionalString(),
  MONGO_PASSWORD: env.optionalString(),
  MONGO_DATABASE: env.string({ default: 'fleetman' }),
  /** How long a registry lookup and a verified secret are trusted (revocation delay on other replicas). */
  REGISTRY_CACHE: env.duration({ default: '30s', min: 0, max: 3_600_000 }),
  /** The longest a request waits for the broker's confirmation before answering 503. */
  PUBLISH_TIMEOUT: env.duration({ default: '10s', min: 100, max: 120_000 }),
  /** Per device, in fixes: sustained rate and the burst an offline buffer may send at once. */
  DEVICE_RATE_LIMIT: env.number({ default: 10, min: 0.01, max: 100_000 }),
  DEVICE_BURST: env.int({ default: 1000, min: 1, max: 100_000 }),
  RATE_LIMIT_MAX_DEVICES: env.int({ default: 100_000, min: 1, max: 10_000_000 }),
  /** Largest request body (a buffer of 1000 Traccar Client 9 locations is about 600 KB). */
  BODY_LIMIT: env.int({ default: 1 << 20, min: 1024, max: 64 << 20 }),
};

export type IngestConfig = ConfigOf<typeof ingestConfigSchema>;
