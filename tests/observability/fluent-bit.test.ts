import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@fleetman/service-kit';
import { criLine, parseClassicConfig, section, shipLine } from './lib/fluent-bit.js';
import { indexTemplate, isMapped, recordProblems } from './lib/log-fields.js';
import { allPanels, dashboardFiles, loadDashboard } from './lib/expressions.js';
import { readJson, readText, readYaml } from './lib/repo.js';

const config = parseClassicConfig(readText('platform/logging/fluent-bit/fluent-bit.conf'));
const es = section(config, 'OUTPUT', 'es');
const replaceDots = es.entries.get('replace_dots') === 'On';

/** Lines written by the services' own logger (the live test repeats this on the running services). */
function loggerLines(): string[] {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'position-tracker',
    version: '1.2.3',
    destination: { write: (l: string) => void lines.push(l.trim()) },
  });
  logger.info(
    { reqId: 'r-42', method: 'GET', path: '/vehicles/v1', status: 200, ms: 3.2 },
    'request',
  );
  logger.error(
    { reqId: 'r-43', err: Object.assign(new Error('Mongo unavailable'), { code: 'ECONNREFUSED' }) },
    'store failed',
  );
  logger.warn({ reason: 'invalid', url: 'amqp://fleet:secret@activemq:5672' }, 'position rejected');
  return lines;
}

describe("Fluent Bit pipeline on the services' log lines", () => {
  it('parses CRI lines and lifts pino JSON into typed top-level fields', () => {
    const records = loggerLines().map((line) => shipLine(criLine(line), { replaceDots }));
    assert.deepEqual(recordProblems(records[0] ?? {}, { request: true }), []);
    assert.deepEqual(recordProblems(records[1] ?? {}, { request: true }), []);
    assert.deepEqual(recordProblems(records[2] ?? {}), []);
    assert.equal(records[1]?.level, 'error');
    assert.equal((records[1]?.err as { message?: string }).message, 'Mongo unavailable');
    assert.ok(!JSON.stringify(records).includes('secret'), 'credentials reach Elasticsearch');
  });

  it('detects what it checks: a numeric pino level or a non-JSON line is a problem', () => {
    const numeric = shipLine(
      criLine('{"level":30,"time":1,"service":"s","version":"1","msg":"m"}'),
      { replaceDots },
    );
    assert.ok(recordProblems(numeric).some((p) => p.startsWith('level')));
    const plain = shipLine(criLine('plain text'), { replaceDots });
    assert.ok(recordProblems(plain).some((p) => p.includes('not lifted')));
  });

  it('Replace_Dots turns dotted keys into underscores, as ES 8+ needs for label maps', () => {
    const record = shipLine(criLine('{"a.b":1,"nested":{"app.kubernetes.io/name":"x"}}'), {
      replaceDots,
    });
    assert.deepEqual(Object.keys(record).sort(), ['@timestamp', 'a_b', 'nested', 'stream']);
    assert.deepEqual(record.nested, { 'app_kubernetes_io/name': 'x' });
  });
});

describe('log field names agree across Fluent Bit, Elasticsearch, Kibana and Grafana', () => {
  const prefix = es.entries.get('logstash_prefix') ?? '';
  const template = indexTemplate();
  const values = readYaml<{
    grafana: { additionalDataSources: Array<{ type: string; jsonData: Record<string, string> }> };
  }>('platform/monitoring/values/common.yaml');
  const datasource = values.grafana.additionalDataSources.find((d) => d.type === 'elasticsearch');
  const dataView = readJson<{ data_view: { title: string; timeFieldName: string } }>(
    'platform/logging/setup/data-view.json',
  ).data_view;

  it('index names: Fluent Bit prefix, template pattern, Kibana data view and Grafana index', () => {
    assert.equal(prefix, 'fleetman-logs');
    assert.deepEqual(template.index_patterns, [`${prefix}-*`]);
    assert.equal(dataView.title, `${prefix}-*`);
    assert.equal(datasource?.jsonData.index, `${prefix}-*`);
  });

  it('time field: Fluent Bit Time_Key is what Kibana and Grafana sort by', () => {
    const timeKey = es.entries.get('time_key') ?? '@timestamp';
    assert.equal(dataView.timeFieldName, timeKey);
    assert.equal(datasource?.jsonData.timeField, timeKey);
    assert.ok(isMapped(timeKey));
  });

  it('Grafana message and level fields, and every field dashboards filter on, are mapped', () => {
    assert.ok(isMapped(datasource?.jsonData.logMessageField ?? ''));
    assert.ok(isMapped(datasource?.jsonData.logLevelField ?? ''));
    const queries = dashboardFiles().flatMap((f) =>
      allPanels(loadDashboard(f)).flatMap((p) =>
        (p.targets ?? []).map((t) => t.query).filter((q): q is string => !!q),
      ),
    );
    const fields = queries.flatMap((q) => [...q.matchAll(/([\w.@]+):/g)].map((m) => m[1] ?? ''));
    assert.ok(fields.length > 0);
    for (const field of fields)
      assert.ok(isMapped(field), `dashboard filters on unmapped field ${field}`);
  });

  it('the index template uses the lifecycle policy the setup job creates', () => {
    assert.equal(template.template.settings['index.lifecycle.name'], 'fleetman-logs');
    assert.match(readText('platform/logging/setup/setup.sh'), /_ilm\/policy\/fleetman-logs"/);
  });
});
