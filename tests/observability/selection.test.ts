import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { objectsIn, readYaml, yamlFilesUnder } from './lib/repo.js';

/** The rule in docs/observability.md: selected = labelled release=kube-prometheus-stack, any namespace. */
const RELEASE = 'kube-prometheus-stack';
const SELECTED_KINDS = ['ServiceMonitor', 'PodMonitor', 'Probe', 'PrometheusRule'];

interface PrometheusSpec {
  [key: string]: unknown;
}

describe('Prometheus selection rule', () => {
  const spec = readYaml<{ prometheus: { prometheusSpec: PrometheusSpec } }>(
    'platform/monitoring/values/common.yaml',
  ).prometheus.prometheusSpec;

  for (const kind of ['serviceMonitor', 'podMonitor', 'probe', 'rule']) {
    it(`selects ${kind}s by release=${RELEASE} in every namespace, not by chart defaults`, () => {
      assert.equal(spec[`${kind}SelectorNilUsesHelmValues`], false);
      assert.deepEqual(spec[`${kind}Selector`], { matchLabels: { release: RELEASE } });
      assert.deepEqual(spec[`${kind}NamespaceSelector`], {});
    });
  }

  it('releases the chart under the name the label carries', () => {
    const [app] = objectsIn('platform/monitoring/kube-prometheus-stack.application.yaml');
    const sources = (
      app?.spec as { sources: Array<{ chart?: string; helm?: { releaseName?: string } }> }
    ).sources;
    const chart = sources.find((s) => s.chart === 'kube-prometheus-stack');
    assert.equal(chart?.helm?.releaseName, RELEASE);
  });

  it('every ServiceMonitor, PodMonitor, Probe and PrometheusRule in the repository carries the label', () => {
    const files = ['services', 'web', 'platform', 'clusters'].flatMap(yamlFilesUnder);
    const found = files.flatMap((file) =>
      objectsIn(file)
        .filter((o) => SELECTED_KINDS.includes(o.kind ?? ''))
        .map((o) => ({
          file,
          name: `${o.kind}/${o.metadata?.name}`,
          release: o.metadata?.labels?.release,
        })),
    );
    assert.ok(found.length >= 5, `only ${found.length} monitors/rules found`);
    const unlabelled = found
      .filter((o) => o.release !== RELEASE)
      .map((o) => `${o.file}: ${o.name}`);
    assert.deepEqual(unlabelled, [], 'Prometheus would silently ignore these');
  });
});
