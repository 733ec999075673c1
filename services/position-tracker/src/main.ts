import { brokerFromConfig } from '@fleetman/broker';
import { runService } from '@fleetman/service-kit';
import { createStore, startTracker, trackerConfigSchema } from './service.js';

runService({
  name: 'position-tracker',
  schema: trackerConfigSchema,
  moduleUrl: import.meta.url,
  async start(context) {
    const broker = brokerFromConfig(context.config, context.logger);
    const store = createStore(context.config, context.logger);
    const tracker = await startTracker({ ...context, broker, store });
    return { tracker: tracker.stop, broker };
  },
});
