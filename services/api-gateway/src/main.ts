import { runService } from '@fleetman/service-kit';
import { gatewayConfigSchema } from './config.js';
import { startApiGateway } from './service.js';

runService({
  name: 'api-gateway',
  schema: gatewayConfigSchema,
  moduleUrl: import.meta.url,
  async start(context) {
    const gateway = await startApiGateway(context);
    return { gateway: gateway.stop };
  },
});
