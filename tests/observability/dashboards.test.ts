import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allPanels,
  dashboardFiles,
  loadDashboard,
  type Dashboard,
  type Panel,
} from './lib/expressions.js';
import { readYaml } from './lib/repo.js';

/** Data source uids provisioned in platform/monitoring/values/common.yaml. */
const DATASOURCES: Record<string, string> = {
  prometheus: 'prometheus',
  'elasticsearch-logs': 'elasticsearch',
};

const dashboards = dashboardFiles().map((file) => ({ file, dashboard: loadDashboard(file) }));
const byUid = new Map(dashboards.map(({ dashboard }) => [dashboard.uid, dashboard]));
const isMetricPanel = (p: Panel) => p.datasource?.uid === 'prometheus';

function variablesUsed(text: string): string[] {
  return [...text.matchAll(/\$\{?(\w+)/g)]
    .map((m) => m[1] ?? '')
    .filter((name) => !name.startsWith('__'));
}

describe('dashboards', () => {
  it('include the fleet overview, RED per service and logs', () => {
    assert.deepEqual([...byUid.keys()].sort(), [
      'fleetman-logs',
      'fleetman-overview',
      'fleetman-red',
    ]);
  });

  for (const { file, dashboard } of dashboards) {
    describe(file, () => {
      it('has the fields Grafana needs and unique panel ids', () => {
        assert.match(dashboard.uid, /^[a-z0-9-]{1,40}$/);
        assert.ok(dashboard.title);
        assert.equal(typeof dashboard.schemaVersion, 'number');
        const ids = allPanels(dashboard).map((p) => p.id);
        assert.equal(new Set(ids).size, ids.length, 'duplicate panel ids');
      });

      it('lays panels on the 24-column grid without overlaps', () => {
        const boxes = allPanels(dashboard).map((p) => {
          assert.ok(p.gridPos, `${p.title}: no gridPos`);
          assert.ok(
            p.gridPos.x >= 0 && p.gridPos.w > 0 && p.gridPos.x + p.gridPos.w <= 24,
            `${p.title}: off the grid`,
          );
          return { title: p.title, ...p.gridPos };
        });
        for (const a of boxes) {
          for (const b of boxes) {
            if (a === b) continue;
            const overlap =
              a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
            assert.ok(!overlap, `"${a.title}" overlaps "${b.title}"`);
          }
        }
      });

      it('queries only provisioned data sources, with a query per target', () => {
        for (const panel of allPanels(dashboard)) {
          const uid = panel.datasource?.uid ?? '';
          assert.ok(uid in DATASOURCES, `${panel.title}: unknown data source ${uid}`);
          assert.equal(
            panel.datasource?.type,
            DATASOURCES[uid],
            `${panel.title}: data source type`,
          );
          assert.ok((panel.targets ?? []).length > 0, `${panel.title}: no targets`);
          for (const target of panel.targets ?? []) {
            const query = uid === 'prometheus' ? target.expr : target.query;
            assert.equal(typeof query, 'string', `${panel.title} ${target.refId}: no query`);
          }
        }
      });

      it('defines every variable its queries use', () => {
        const defined = new Set((dashboard.templating?.list ?? []).map((v) => v.name));
        const text = JSON.stringify(allPanels(dashboard).map((p) => p.targets));
        for (const name of variablesUsed(text))
          assert.ok(defined.has(name), `variable $${name} is not defined`);
      });

      it('links every metric panel to the logs of the same time range', () => {
        for (const panel of allPanels(dashboard).filter(isMetricPanel)) {
          const links = panel.fieldConfig?.defaults?.links ?? [];
          assert.ok(links.length > 0, `${panel.title}: no data link`);
          for (const link of links) {
            const target = /^\/d\/([\w-]+)\//.exec(link.url ?? '')?.[1];
            assert.ok(
              target && byUid.has(target),
              `${panel.title}: link to unknown dashboard ${link.url}`,
            );
            assert.match(
              link.url ?? '',
              /\$\{__url_time_range\}/,
              `${panel.title}: link loses the time range`,
            );
            const linked = byUid.get(target) as Dashboard;
            const params = [...(link.url ?? '').matchAll(/var-(\w+)=/g)].map((m) => m[1]);
            const vars = new Set((linked.templating?.list ?? []).map((v) => v.name));
            for (const p of params)
              assert.ok(vars.has(p ?? ''), `${panel.title}: ${target} has no variable ${p}`);
          }
        }
      });
    });
  }

  it('the overview shows every fleet signal the issue asks for', () => {
    const overview = JSON.stringify(byUid.get('fleetman-overview'));
    for (const metric of [
      'positions_consumed_total',
      'position_e2e_latency_seconds_bucket',
      'vehicles_tracked',
      'positions_rejected_total',
      'sse_clients',
      'activemq_queue_queue_size',
      'activemq_queue_consumer_count',
    ]) {
      assert.ok(overview.includes(metric), `overview lacks ${metric}`);
    }
  });

  it('the RED and logs dashboards show Elasticsearch logs filtered by service', () => {
    for (const uid of ['fleetman-red', 'fleetman-logs']) {
      const logs = allPanels(byUid.get(uid) as Dashboard).filter((p) => p.type === 'logs');
      assert.equal(logs.length, 1, `${uid}: one logs panel`);
      assert.match(logs[0]?.targets?.[0]?.query ?? '', /service:\$\{service:lucene\}/);
    }
  });

  it('are shipped to Grafana by the sidecar ConfigMap', () => {
    const kustomization = readYaml<{
      configMapGenerator: Array<{ files: string[]; options?: { labels?: Record<string, string> } }>;
    }>('platform/monitoring/kustomization.yaml');
    const generator = kustomization.configMapGenerator.find(
      (g) => g.options?.labels?.grafana_dashboard === '1',
    );
    assert.ok(generator, 'no ConfigMap labelled grafana_dashboard=1');
    const shipped = generator.files.map((f) => `platform/monitoring/${f}`).sort();
    assert.deepEqual(shipped, dashboards.map(({ file }) => file).sort());
  });
});
