import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { LocalPrometheus } from './lib/prometheus.js';
import { scrapeJobs } from './lib/scrape-config.js';
import { monitoringObjects } from './lib/service-monitors.js';

/**
 * The ServiceMonitor → scrape job translation, checked with a real Prometheus against a stub
 * exporter: the target is kept and labelled as in a cluster, and a Service whose labels no
 * longer match the monitor's selector is dropped, as the operator would drop it.
 */
describe('ServiceMonitor scrape jobs in a real Prometheus', () => {
  let exporter: Server;
  let address = '';
  let prometheus: LocalPrometheus;

  before(async () => {
    exporter = createServer((req, res) => {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(req.url === '/metrics' ? '# TYPE sse_clients gauge\nsse_clients 3\n' : 'not found');
    });
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    const port = (exporter.address() as { port: number }).port;
    address = `127.0.0.1:${port}`;

    const { service, monitor } = monitoringObjects('api-gateway');
    const stray = {
      ...service,
      metadata: {
        ...service.metadata,
        name: 'stray',
        labels: { 'app.kubernetes.io/name': 'other' },
      },
    };
    const target = { address, pod: 'api-gateway-0', container: 'api-gateway' };
    prometheus = await LocalPrometheus.start({
      global: { scrape_interval: '1s' },
      scrape_configs: [
        ...scrapeJobs(monitor, service, target, '1s'),
        ...scrapeJobs(
          { ...monitor, metadata: { ...monitor.metadata, name: 'stray' } },
          stray,
          target,
          '1s',
        ),
      ],
    });
  });

  after(async () => {
    await prometheus?.stop();
    exporter?.close();
  });

  it('labels the target like the operator: job = service = Service name, namespace, endpoint, pod', async () => {
    await prometheus.waitFor(
      async () => (await prometheus.query('up == 1')).length > 0,
      'a scrape',
      20_000,
    );
    const [up] = await prometheus.query('up');
    assert.deepEqual(up?.metric, {
      __name__: 'up',
      job: 'api-gateway',
      service: 'api-gateway',
      namespace: 'fleetman',
      endpoint: 'http',
      pod: 'api-gateway-0',
      container: 'api-gateway',
      instance: address,
    });
    const [sample] = await prometheus.query('sse_clients{job="api-gateway"}');
    assert.equal(sample?.value[1], '3');
  });

  it('drops a Service the selector does not match', async () => {
    const targets = await prometheus.api<{
      activeTargets: Array<{ labels: Record<string, string> }>;
    }>('/api/v1/targets');
    assert.deepEqual(
      targets.activeTargets.map((t) => t.labels.service),
      ['api-gateway'],
    );
  });
});
