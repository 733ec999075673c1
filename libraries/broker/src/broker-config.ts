import type { Logger } from 'pino';
import { env, type ConfigOf } from '@fleetman/service-kit';
import { createBroker } from './factory.js';
import type { Broker } from './types.js';

/** The broker settings every producer and consumer reads; services spread it into their schema. */
export const brokerConfigSchema = {
  /** Unset: the embedded in-process broker. */
  BROKER_URL: env.optionalUrl({ protocols: ['amqp:', 'amqps:'] }),
  BROKER_PROTOCOL: env.oneOf(['amqp-1.0', 'amqp-0-9-1'] as const, 'amqp-1.0'),
  /** Override the URL's credentials: the URL can live in a ConfigMap, these in a Secret. */
  BROKER_USERNAME: env.optionalString(),
  BROKER_PASSWORD: env.optionalString(),
  QUEUE_NAME: env.string({ default: 'positionQueue' }),
};

export type BrokerConfig = ConfigOf<typeof brokerConfigSchema>;

export function brokerFromConfig(config: BrokerConfig, logger: Logger): Broker {
  return createBroker({
    url: config.BROKER_URL,
    protocol: config.BROKER_PROTOCOL,
    username: config.BROKER_USERNAME,
    password: config.BROKER_PASSWORD,
    logger,
  });
}
