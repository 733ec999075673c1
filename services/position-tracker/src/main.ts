import { createBroker, createLogger, createRegistry, Lifecycle, loadConfig, runMain } from '@fleetman/shared';
import { createStore, startTracker, trackerConfigSchema } from './service.js';
import { version } from './version.js';

runMain(async () => {
  const config = loadConfig(trackerConfigSchema);
  const logger = createLogger({ service: 'position-tracker', version, level: config.LOG_LEVEL });
  const broker = createBroker({
    url: config.BROKER_URL,
    protocol: config.BROKER_PROTOCOL,
    username: config.BROKER_USERNAME,
    password: config.BROKER_PASSWORD,
    logger,
  });
  const lifecycle = new Lifecycle({ logger, drainDelayMs: config.SHUTDOWN_DRAIN }).installSignalHandlers();
  const tracker = await startTracker({ config, logger, registry: createRegistry(), broker, store: createStore(config, logger) });
  lifecycle.add('tracker', tracker.stop).add('broker', broker);
});
