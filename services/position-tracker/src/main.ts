import { brokerFromConfig } from '@fleetman/broker';
import {
  createLogger,
  packageVersion,
  createRegistry,
  Lifecycle,
  loadConfig,
  runMain,
} from '@fleetman/service-kit';
import { createStore, startTracker, trackerConfigSchema } from './service.js';

runMain(async () => {
  const config = loadConfig(trackerConfigSchema);
  const logger = createLogger({
    service: 'position-tracker',
    version: packageVersion(import.meta.url),
    level: config.LOG_LEVEL,
  });
  const broker = brokerFromConfig(config, logger);
  const lifecycle = new Lifecycle({
    logger,
    drainDelayMs: config.SHUTDOWN_DRAIN,
  }).installSignalHandlers();
  const tracker = await startTracker({
    config,
    logger,
    registry: createRegistry(),
    broker,
    store: createStore(config, logger),
  });
  lifecycle.add('tracker', tracker.stop).add('broker', broker);
});
