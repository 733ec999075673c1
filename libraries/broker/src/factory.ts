import { Amqp091Broker } from './amqp091.js';
import { Amqp10Broker } from './amqp10.js';
import { InProcessBroker } from './in-process.js';
import type { NetworkBrokerOptions } from './network-options.js';
import type { Broker } from './types.js';

export type BrokerProtocol = 'amqp-1.0' | 'amqp-0-9-1';

/** The network adapters' settings (network-options.ts), with the URL optional and a protocol. */
export interface CreateBrokerOptions extends Omit<NetworkBrokerOptions, 'url'> {
  /** Unset: the embedded in-process broker (local runs). */
  url?: string;
  protocol: BrokerProtocol;
}

/** Picks the adapter for the configuration: in-process, AMQP 1.0 (ActiveMQ) or 0-9-1 (RabbitMQ). */
export function createBroker(options: CreateBrokerOptions): Broker {
  const { url, protocol, logger, ...rest } = options;
  if (url === undefined || url === '') {
    return new InProcessBroker({
      logger: logger.child({ broker: 'in-process' }),
      ...(rest.redeliveryDelayMs !== undefined && { redeliveryDelayMs: rest.redeliveryDelayMs }),
      ...(rest.drainTimeoutMs !== undefined && { drainTimeoutMs: rest.drainTimeoutMs }),
    });
  }
  switch (protocol) {
    case 'amqp-1.0':
      return new Amqp10Broker({ url, logger, ...rest });
    case 'amqp-0-9-1':
      return new Amqp091Broker({ url, logger, ...rest });
    default:
      throw new Error(
        `unknown broker protocol ${String(protocol)} (expected amqp-1.0 or amqp-0-9-1)`,
      );
  }
}
