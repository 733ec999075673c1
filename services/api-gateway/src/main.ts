import {
  createLogger,
  packageVersion,
  createRegistry,
  Lifecycle,
  loadConfig,
  runMain,
} from '@fleetman/service-kit';
import { gatewayConfigSchema } from './config.js';
import { startApiGateway } from './service.js';

runMain(async () => {
  const config = loadConfig(gatewayConfigSchema);
  const logger = createLogger({
    service: 'api-gateway',
    version: packageVersion(import.meta.url),
    level: config.LOG_LEVEL,
  });
  const lifecycle = new Lifecycle({
    logger,
    drainDelayMs: config.SHUTDOWN_DRAIN,
  }).installSignalHandlers();
  const gateway = await startApiGateway({
    config,
    logger,
    registry: createRegistry(),
    isStopping: () => lifecycle.stopping,
  });
  lifecycle.add('gateway', gateway.stop);
});
