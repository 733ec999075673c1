import { brokerFromConfig } from '@fleetman/broker';
import { runService } from '@fleetman/service-kit';
import { createDeviceStore, ingestConfigSchema, startIngest } from './service.js';

runService({
  name: 'device-ingest',
  schema: ingestConfigSchema,
  moduleUrl: import.meta.url,
  async start(context) {
    const broker = brokerFromConfig(context.config, context.logger);
    const store = createDeviceStore(context.config, context.logger);
    const ingest = await startIngest({ ...context, broker, store });
    return { ingest: ingest.stop, broker };
  },
});
