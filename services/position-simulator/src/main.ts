import {
  createBroker,
  createLogger,
  createRegistry,
  Lifecycle,
  loadConfig,
  runMain,
} from '@fleetman/shared';
import { simulatorConfigSchema, startSimulator } from './service.js';
import { version } from './version.js';

runMain(async () => {
  const config = loadConfig(simulatorConfigSchema);
  const logger = createLogger({ service: 'position-simulator', version, level: config.LOG_LEVEL });
  const broker = createBroker({
    url: config.BROKER_URL,
    protocol: config.BROKER_PROTOCOL,
    username: config.BROKER_USERNAME,
    password: config.BROKER_PASSWORD,
    logger,
  });
  const lifecycle = new Lifecycle({
    logger,
    drainDelayMs: config.SHUTDOWN_DRAIN,
  }).installSignalHandlers();
  const simulator = await startSimulator({ config, logger, registry: createRegistry(), broker });
  lifecycle.add('simulator', simulator.stop).add('broker', broker);
});
