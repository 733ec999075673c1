// RabbitMQ over AMQP 0-9-1 (amqplib). Needs TEST_RABBITMQ_URL: see scripts/dev-servers/servers.sh.
import amqp from 'amqplib';
import { brokerContract } from './support/broker-contract.js';

brokerContract({
  title: 'AMQP 0-9-1 adapter against RabbitMQ',
  protocol: 'amqp-0-9-1',
  urlVariable: 'TEST_RABBITMQ_URL',
  serverName: 'rabbitmq',
  // Durable test queues would otherwise pile up on the shared server.
  deleteQueues: async (url, queues) => {
    const connection = await amqp.connect(url);
    try {
      const channel = await connection.createChannel();
      for (const queue of queues) await channel.deleteQueue(queue);
    } finally {
      await connection.close();
    }
  },
});
