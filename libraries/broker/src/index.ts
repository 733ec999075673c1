export * from './types.js';
export { brokerConfigSchema, brokerFromConfig, type BrokerConfig } from './broker-config.js';
export { createBroker, type BrokerProtocol, type CreateBrokerOptions } from './factory.js';
export { InProcessBroker, type InProcessBrokerOptions } from './in-process.js';
export { Amqp10Broker } from './amqp10.js';
export { Amqp091Broker } from './amqp091.js';
export type { NetworkBrokerOptions } from './network-options.js';
export { BrokerConfigError } from './broker-url.js';
