// ActiveMQ Classic over AMQP 1.0 (rhea). Needs TEST_ACTIVEMQ_URL: see scripts/dev-servers/servers.sh.
import { brokerContract } from './support/broker-contract.js';

brokerContract({
  title: 'AMQP 1.0 adapter against ActiveMQ',
  protocol: 'amqp-1.0',
  urlVariable: 'TEST_ACTIVEMQ_URL',
  serverName: 'activemq',
});
