import { brokerFromConfig } from '@fleetman/broker';
import { runService } from '@fleetman/service-kit';
import { simulatorConfigSchema, startSimulator } from './service.js';

runService({
  name: 'position-simulator',
  schema: simulatorConfigSchema,
  moduleUrl: import.meta.url,
  async start(context) {
    const broker = brokerFromConfig(context.config, context.logger);
    const simulator = await startSimulator({ ...context, broker });
    return { simulator: simulator.stop, broker };
  },
});
