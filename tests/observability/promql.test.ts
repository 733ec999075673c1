import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { allPromqlExpressions } from './lib/expressions.js';
import { EXTERNAL_METRICS, isServiceMetric } from './lib/metric-sources.js';
import { metricNames, withGrafanaVariables } from './lib/promql.js';
import { readYaml } from './lib/repo.js';
import { run, tempDir } from './lib/tools.js';

describe('metricNames', () => {
  it('lists selectors and skips functions, keywords, labels and durations', () => {
    const expr = `histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket{namespace="fleetman", status=~"5.."}[5m])))
      / on(service) group_left sum without (route) (up offset 5m) and vector(1) > bool 0`;
    assert.deepEqual(metricNames(expr), ['http_request_duration_seconds_bucket', 'up']);
  });

  it('follows the grammar: subqueries, @ modifiers, quoted names, and refuses a broken expression', () => {
    assert.deepEqual(metricNames('max_over_time(rate(a_total[5m])[1h:1m]) + b @ end() + {"c.d"}'), [
      'a_total',
      'b',
      'c.d',
    ]);
    assert.deepEqual(
      metricNames('sum(rate(http_requests_total{route="/by (x)"}[5m])) by (service)'),
      ['http_requests_total'],
    );
    assert.throws(() => metricNames('sum(rate(x[5m])'), /does not parse/);
  });

  it('reads a name given as __name__ and ignores words inside strings', () => {
    assert.deepEqual(metricNames('count({__name__="sse_clients", reason="rate limit and sum"})'), [
      'sse_clients',
    ]);
  });
});

describe('withGrafanaVariables', () => {
  it('replaces Grafana intervals and variables with values Prometheus accepts', () => {
    assert.equal(
      withGrafanaVariables('rate(x{service=~"$service", a=~"${b:regex}"}[$__rate_interval])'),
      'rate(x{service=~".*", a=~".*"}[1m])',
    );
  });
});

describe('PromQL in dashboards and rules', () => {
  const expressions = allPromqlExpressions();

  it('finds the expressions to check', () => {
    assert.ok(expressions.length >= 20, `only ${expressions.length} expressions found`);
  });

  it('every expression parses (promtool)', () => {
    const dir = tempDir('promql');
    const failures: string[] = [];
    expressions.forEach(({ where, expr }, i) => {
      const file = join(dir, `expr-${i}.yaml`);
      const rules = {
        groups: [
          { name: 'parse', rules: [{ record: 'parse:check', expr: withGrafanaVariables(expr) }] },
        ],
      };
      writeFileSync(file, stringify(rules));
      const result = run('promtool', ['check', 'rules', file]);
      if (result.status !== 0) failures.push(`${where}: ${result.stdout}${result.stderr}`);
    });
    assert.deepEqual(failures, []);
  });

  it('every metric is a service metric or comes from a named exporter', () => {
    const unknown = expressions.flatMap(({ where, expr }) =>
      metricNames(withGrafanaVariables(expr))
        .filter((name) => !isServiceMetric(name) && !(name in EXTERNAL_METRICS))
        .map((name) => `${where}: ${name}`),
    );
    assert.deepEqual(unknown, []);
  });

  it('ActiveMQ names match the JMX exporter rule in platform/activemq', () => {
    const config = readYaml<{
      attrNameSnakeCase?: boolean;
      rules: Array<{ name?: string; labels?: Record<string, string> }>;
    }>('platform/activemq/jmx-exporter.yaml');
    const queueRule = config.rules.find((r) => r.name === 'activemq_queue_$3');
    assert.ok(queueRule, 'no JMX exporter rule named activemq_queue_$3');
    assert.equal(config.attrNameSnakeCase, true, 'QueueSize must become queue_size');
    assert.equal(
      queueRule.labels?.destination,
      '$2',
      'the queue name must be the destination label',
    );
  });
});
