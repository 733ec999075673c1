import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { allPromqlExpressions, RULE_FILES, ruleGroups } from './lib/expressions.js';
import { criLine, shipLine } from './lib/fluent-bit.js';
import { exposedNames, LocalStack } from './lib/local-stack.js';
import { recordProblems } from './lib/log-fields.js';
import { isServiceMetric } from './lib/metric-sources.js';
import { LocalPrometheus, sleep } from './lib/prometheus.js';
import { metricNames, withGrafanaVariables } from './lib/promql.js';
import { scrapeJobs } from './lib/scrape-config.js';
import { monitoringObjects, SERVICES, type ServiceName } from './lib/service-monitors.js';

/** What each service must export for the dashboards and alerts to mean anything. */
const FLEET_METRICS: Record<ServiceName, string[]> = {
  'position-simulator': ['positions_published_total', 'http_requests_total'],
  'position-tracker': [
    'positions_consumed_total',
    'positions_rejected_total',
    'position_e2e_latency_seconds_bucket',
    'vehicles_tracked',
    'http_request_duration_seconds_bucket',
  ],
  'api-gateway': ['sse_clients', 'http_requests_total', 'http_request_duration_seconds_bucket'],
  'device-ingest': [
    'ingest_requests_total',
    'ingest_fixes_total',
    'positions_publish_failures_total',
    'http_requests_total',
  ],
};

describe('live: the running services, scraped like in a cluster', () => {
  let stack: LocalStack;
  let prometheus: LocalPrometheus | undefined;
  const exposed = new Map<ServiceName, Set<string>>();

  before(async () => {
    stack = await LocalStack.start();
    // Let positions flow through simulator → queue → tracker, and make some requests.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const text = await (await fetch(stack.metricsUrls.get('position-tracker') as string)).text();
      const stored = /^positions_consumed_total (\d+)/m.exec(text)?.[1];
      if (Number(stored ?? 0) > 0) break;
      if (Date.now() > deadline) throw new Error('no position was stored within 60 s');
      await sleep(500);
    }
    for (const route of ['/api/vehicles', '/api/vehicles/no-such-vehicle'])
      await (await fetch(stack.gatewayUrl + route)).text();
    for (const service of SERVICES) {
      // A probe first, as the kubelet would send: HTTP metrics exist once a request was served.
      await (await fetch(new URL('/livez', stack.metricsUrls.get(service)))).text();
      const response = await fetch(stack.metricsUrls.get(service) as string);
      assert.equal(response.status, 200, `${service} /metrics`);
      exposed.set(service, exposedNames(await response.text()));
    }
  });

  after(async () => {
    await prometheus?.stop();
    await stack?.stop();
  });

  it('each service exports its fleet metrics', () => {
    for (const service of SERVICES) {
      const missing = FLEET_METRICS[service].filter((name) => !exposed.get(service)?.has(name));
      assert.deepEqual(missing, [], `${service} does not export these`);
    }
  });

  it('every service metric in dashboards and rules is really exported', () => {
    const all = new Set(SERVICES.flatMap((s) => [...(exposed.get(s) ?? [])]));
    const unknown = allPromqlExpressions().flatMap(({ where, expr }) =>
      metricNames(withGrafanaVariables(expr))
        .filter((name) => isServiceMetric(name) && !all.has(name))
        .map((name) => `${where}: ${name}`),
    );
    assert.deepEqual(unknown, []);
  });

  describe("a real Prometheus with the ServiceMonitors' jobs and our rules", () => {
    before(async () => {
      const jobs = SERVICES.flatMap((name) => {
        const { service, monitor } = monitoringObjects(name);
        const address = new URL(stack.metricsUrls.get(name) as string).host;
        return scrapeJobs(
          monitor,
          service,
          { address, pod: `${name}-local`, container: name },
          '1s',
        );
      });
      const ruleFiles = Object.fromEntries(
        RULE_FILES.map((file, i) => [
          `rules-${i}.yaml`,
          stringify({ groups: ruleGroups(file).map((g) => ({ ...g, interval: '1s' })) }),
        ]),
      );
      prometheus = await LocalPrometheus.start(
        { global: { scrape_interval: '1s', evaluation_interval: '1s' }, scrape_configs: jobs },
        ruleFiles,
      );
      const p = prometheus;
      await p.waitFor(
        async () => (await p.query('up{namespace="fleetman"} == 1')).length === SERVICES.length,
        'every service up',
        30_000,
      );
      await sleep(5_000); // enough samples for rate() over [1m] windows
    });

    it('finds every service up, labelled as in the cluster', async () => {
      const up = await (prometheus as LocalPrometheus).query('up{namespace="fleetman"}');
      assert.deepEqual(
        up.map((s) => [s.metric.job, s.metric.service, s.metric.endpoint, s.value[1]]).sort(),
        [
          ['api-gateway', 'api-gateway', 'http', '1'],
          // Its ServiceMonitor scrapes the admin port (the devices' port is for phones).
          ['device-ingest', 'device-ingest', 'admin', '1'],
          ['position-simulator', 'position-simulator', 'http', '1'],
          ['position-tracker', 'position-tracker', 'http', '1'],
        ],
      );
    });

    it("holds the fleet metrics under each service's job", async (t) => {
      for (const service of SERVICES) {
        for (const metric of FLEET_METRICS[service]) {
          const found = await (prometheus as LocalPrometheus).query(
            `${metric}{job="${service}", namespace="fleetman"}`,
          );
          assert.ok(found.length > 0, `${metric} of ${service}`);
        }
      }
      const stored = await (prometheus as LocalPrometheus).query(
        'sum(rate(positions_consumed_total{namespace="fleetman"}[1m]))',
      );
      assert.ok(Number(stored[0]?.value[1]) > 0, 'positions are being stored');
      const p95 = await (prometheus as LocalPrometheus).query(
        'histogram_quantile(0.95, sum by (le) (rate(position_e2e_latency_seconds_bucket{namespace="fleetman"}[1m])))',
      );
      t.diagnostic(
        `stored ${Number(stored[0]?.value[1]).toFixed(1)} positions/s, e2e p95 ${p95[0]?.value[1]} s`,
      );
    });

    it('evaluates every rule without error, and a healthy fleet is neither down nor failing', async () => {
      const p = prometheus as LocalPrometheus;
      await p.waitFor(
        async () => {
          const { groups } = await p.api<{
            groups: Array<{ rules: Array<{ lastEvaluation: string }> }>;
          }>('/api/v1/rules');
          return groups.flatMap((g) => g.rules).every((r) => !r.lastEvaluation.startsWith('0001'));
        },
        'every rule evaluated once',
        15_000,
      );
      const { groups } = await p.api<{
        groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }>;
      }>('/api/v1/rules');
      const rules = groups.flatMap((g) => g.rules);
      assert.equal(rules.length, 10);
      assert.deepEqual(
        rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`),
        [],
      );
      const alerting = await p.query(
        'ALERTS{alertname=~"FleetmanServiceDown|FleetmanServiceAbsent|FleetmanHigh5xxRatio"}',
      );
      assert.deepEqual(
        alerting.map((a) => a.metric.alertname),
        [],
      );
    });

    it('runs every dashboard and rule expression', async () => {
      const failures: string[] = [];
      for (const { where, expr } of allPromqlExpressions()) {
        try {
          await (prometheus as LocalPrometheus).query(withGrafanaVariables(expr));
        } catch (err) {
          failures.push(`${where}: ${(err as Error).message}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  });

  it("the services' real log lines pass the Fluent Bit pipeline into the index template", (t) => {
    const lines = stack.jsonLines();
    const requests = lines.filter(({ record }) => 'method' in record && 'path' in record);
    assert.ok(
      requests.some(({ record }) => record.service === 'api-gateway' && record.status === 404),
      'no request line from the gateway',
    );
    t.diagnostic(`${lines.length} log lines checked, ${requests.length} of them request lines`);
    const services = new Set(lines.map((l) => l.record.service));
    for (const service of SERVICES) assert.ok(services.has(service), `no log line from ${service}`);
    const problems = lines.flatMap(({ raw, record }) =>
      recordProblems(shipLine(criLine(raw), { replaceDots: true }), {
        request: 'method' in record && 'path' in record,
      }).map((p) => `${p}: ${raw.slice(0, 200)}`),
    );
    assert.deepEqual(problems.slice(0, 10), []);
  });
});
