import { brokerFromConfig } from '@fleetman/broker';
import {
  createLogger,
  packageVersion,
  createRegistry,
  Lifecycle,
  loadConfig,
  runMain,
} from '@fleetman/service-kit';
import { simulatorConfigSchema, startSimulator } from './service.js';

runMain(async () => {
  const config = loadConfig(simulatorConfigSchema);
  const logger = createLogger({
    service: 'position-simulator',
    version: packageVersion(import.meta.url),
    level: config.LOG_LEVEL,
  });
  const broker = brokerFromConfig(config, logger);
  const lifecycle = new Lifecycle({
    logger,
    drainDelayMs: config.SHUTDOWN_DRAIN,
  }).installSignalHandlers();
  const simulator = await startSimulator({ config, logger, registry: createRegistry(), broker });
  lifecycle.add('simulator', simulator.stop).add('broker', broker);
});
