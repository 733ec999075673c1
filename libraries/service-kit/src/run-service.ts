import { env, loadConfig, type ConfigOf, type LogLevel, type Parser } from './config.js';
import { Lifecycle } from './lifecycle.js';
import { createLogger, type Logger } from './logger.js';
import { runMain } from './main.js';
import { createRegistry, type Registry } from './metrics.js';
import { packageVersion } from './package-version.js';

/** The settings every service reads; a service spreads them into its schema. */
export function serviceConfigSchema({ port }: { port: number }) {
  return {
    PORT: env.port(port),
    LOG_LEVEL: env.logLevel(),
    /** Time to stay up with /readyz at 503 before closing, so endpoints drop the pod first. */
    SHUTDOWN_DRAIN: env.duration({ default: '0ms', max: 60_000 }),
  };
}

type Schema = Record<string, Parser<unknown>> & {
  LOG_LEVEL: Parser<LogLevel>;
  SHUTDOWN_DRAIN?: Parser<number>;
};

/** What a service's start function is given. */
export interface ServiceContext<C> {
  config: C;
  logger: Logger;
  registry: Registry;
  /** True from the moment a shutdown begins: pass it to createHttpApp so /readyz turns 503. */
  isStopping(): boolean;
}

type Stopper = (() => Promise<void> | void) | { close(): Promise<void> | void };

/** Shutdown steps by name, run in this order after the drain (e.g. service, then broker). */
export type ShutdownSteps = Record<string, Stopper>;

export interface ServiceDefinition<S extends Schema> {
  /** The `service` field of every log line. */
  name: string;
  schema: S;
  /** `import.meta.url` of main.ts: the version logged is its package's. */
  moduleUrl?: string;
  start(context: ServiceContext<ConfigOf<S>>): Promise<ShutdownSteps>;
}

/**
 * Every service's main.ts: reads the config (a bad value: one line, exit 78), builds the logger
 * and the metrics registry, installs SIGTERM/SIGINT handling, starts the service and registers
 * its shutdown steps. On SIGTERM `isStopping()` turns true at once (readiness 503), the process
 * keeps serving for SHUTDOWN_DRAIN so load balancers stop sending traffic, then the steps run,
 * each bounded, and it exits 0.
 */
export function runService<S extends Schema>(definition: ServiceDefinition<S>): void {
  runMain(async () => {
    const config = loadConfig(definition.schema);
    const logger = createLogger({
      service: definition.name,
      level: config.LOG_LEVEL,
      ...(definition.moduleUrl && { version: packageVersion(definition.moduleUrl) }),
    });
    const lifecycle = new Lifecycle({
      logger,
      drainDelayMs: (config.SHUTDOWN_DRAIN as number | undefined) ?? 0,
    }).installSignalHandlers();
    const steps = await definition.start({
      config,
      logger,
      registry: createRegistry(),
      isStopping: () => lifecycle.stopping,
    });
    for (const [name, step] of Object.entries(steps)) lifecycle.add(name, step);
  });
}

export type { ConfigOf };
