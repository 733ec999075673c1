import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseClassicConfig, section } from './lib/fluent-bit.js';
import { path, readText, readYaml, type K8sObject } from './lib/repo.js';
import { kustomize } from './lib/tools.js';

const CLUSTERS = ['minikube', 'eks'] as const;

function render(folder: string): K8sObject[] {
  const result = kustomize(path(folder));
  assert.equal(result.status, 0, `${folder} does not render: ${result.stderr}`);
  return parseAllDocuments(result.stdout).map((d) => d.toJS() as K8sObject);
}

const find = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  assert.ok(found, `${kind}/${name} missing`);
  return found;
};

interface GrafanaValues {
  service?: { type?: string };
  ingress?: { enabled?: boolean };
  admin?: { existingSecret?: string };
  additionalDataSources?: Array<{ type: string; uid: string }>;
}

interface NodeSet {
  config: Record<string, unknown>;
  podTemplate: { spec: { initContainers?: unknown[] } };
  volumeClaimTemplates: Array<{ spec: { storageClassName?: string } }>;
}

interface HelmSource {
  repoURL: string;
  chart?: string;
  targetRevision: string;
  ref?: string;
  helm?: { valueFiles?: string[] };
}

describe('cluster folders', () => {
  for (const cluster of CLUSTERS) {
    describe(cluster, () => {
      const monitoring = render(`clusters/${cluster}/monitoring`);
      const logging = render(`clusters/${cluster}/logging`);

      it('installs kube-prometheus-stack at an exact chart version with server-side apply', () => {
        const app = find(monitoring, 'Application', 'kube-prometheus-stack');
        const spec = app.spec as { sources: HelmSource[]; syncPolicy: { syncOptions: string[] } };
        const chart = spec.sources.find((s) => s.chart === 'kube-prometheus-stack');
        assert.match(chart?.targetRevision ?? '', /^\d+\.\d+\.\d+$/);
        assert.ok(spec.syncPolicy.syncOptions.includes('ServerSideApply=true'));
      });

      it('layers values common → cluster, from files that exist', () => {
        const app = find(monitoring, 'Application', 'kube-prometheus-stack');
        const files = (app.spec as { sources: HelmSource[] }).sources.flatMap(
          (s) => s.helm?.valueFiles ?? [],
        );
        assert.deepEqual(files, [
          '$values/platform/monitoring/values/common.yaml',
          `$values/clusters/${cluster}/monitoring/values.yaml`,
        ]);
        for (const file of files) assert.ok(existsSync(path(file.replace('$values/', ''))), file);
      });

      it('keeps Grafana private with admin credentials from a Secret', () => {
        const common = readYaml<{ grafana: GrafanaValues }>(
          'platform/monitoring/values/common.yaml',
        ).grafana;
        const own =
          readYaml<{ grafana?: GrafanaValues }>(`clusters/${cluster}/monitoring/values.yaml`)
            .grafana ?? {};
        const grafana = { ...common, ...own };
        assert.equal(grafana.service?.type, 'ClusterIP');
        assert.equal(grafana.ingress?.enabled, false);
        assert.ok(grafana.admin?.existingSecret);
        const sources = (grafana.additionalDataSources ?? []).map((d) => d.type);
        assert.ok(sources.includes('elasticsearch'));
      });

      it('ships the Fluent Bit configuration and the setup hook', () => {
        find(logging, 'DaemonSet', 'fluent-bit');
        find(logging, 'ServiceMonitor', 'fluent-bit');
        const job = find(logging, 'Job', 'logging-setup');
        const annotations =
          (job.metadata as { annotations?: Record<string, string> }).annotations ?? {};
        assert.equal(annotations['argocd.argoproj.io/hook'], 'PostSync');
      });
    });
  }

  it('keeps logs 7 days on Minikube and 30 on EKS', () => {
    for (const [cluster, days] of [
      ['minikube', '7'],
      ['eks', '30'],
    ] as const) {
      const settings = render(`clusters/${cluster}/logging`).find(
        (o) => o.kind === 'ConfigMap' && o.metadata?.name?.startsWith('logging-settings'),
      );
      assert.equal((settings?.data as Record<string, string>).LOG_RETENTION_DAYS, days, cluster);
    }
  });

  it('runs Elasticsearch without mmap on Minikube and with vm.max_map_count and gp3 on EKS', () => {
    const nodeSet = (cluster: string): NodeSet => {
      const spec = find(render(`clusters/${cluster}/logging`), 'Elasticsearch', 'fleetman')
        .spec as { nodeSets: NodeSet[] };
      assert.ok(spec.nodeSets[0]);
      return spec.nodeSets[0];
    };
    assert.equal(nodeSet('minikube').config['node.store.allow_mmap'], false);
    const eks = nodeSet('eks');
    assert.match(JSON.stringify(eks.podTemplate.spec.initContainers), /vm\.max_map_count=262144/);
    assert.equal(eks.volumeClaimTemplates[0]?.spec.storageClassName, 'gp3');
  });

  it('turns off on EKS the control-plane scrapes a managed control plane cannot serve', () => {
    const eks = readYaml<Record<string, { enabled: boolean }>>(
      'clusters/eks/monitoring/values.yaml',
    );
    for (const job of ['kubeEtcd', 'kubeControllerManager', 'kubeScheduler', 'kubeProxy']) {
      assert.equal(eks[job]?.enabled, false, job);
    }
  });

  it('Kibana never logs in as elastic: it uses the ECK elasticsearchRef service account', () => {
    const kibana = find(render('clusters/minikube/logging'), 'Kibana', 'fleetman');
    const text = JSON.stringify(kibana.spec);
    assert.match(text, /"elasticsearchRef":\{"name":"fleetman"\}/);
    assert.doesNotMatch(text, /elasticsearch\.username|elastic-user/);
  });
});

describe('Fluent Bit configuration', () => {
  const config = parseClassicConfig(readText('platform/logging/fluent-bit/fluent-bit.conf'));

  it('tails container logs with the CRI parser into a filesystem buffer', () => {
    const tail = section(config, 'INPUT', 'tail');
    assert.equal(tail.entries.get('path'), '/var/log/containers/*.log');
    assert.match(tail.entries.get('multiline.parser') ?? '', /\bcri\b/);
    assert.equal(tail.entries.get('storage.type'), 'filesystem');
    assert.ok(tail.entries.get('db'), 'tail offsets must survive restarts');
    assert.ok(section(config, 'SERVICE').entries.get('storage.path'));
  });

  it('adds Kubernetes metadata and lifts JSON logs into fields', () => {
    const kube = section(config, 'FILTER', 'kubernetes');
    assert.equal(kube.entries.get('merge_log'), 'On');
    assert.equal(
      kube.entries.get('merge_log_key'),
      undefined,
      'pino fields must land at the top level',
    );
    assert.equal(kube.entries.get('keep_log'), 'Off');
  });

  it('writes to Elasticsearch 8+/9 safely: no types, no dots, ids, retries, TLS', () => {
    const es = section(config, 'OUTPUT', 'es');
    for (const [key, value] of [
      ['suppress_type_name', 'On'],
      ['replace_dots', 'On'],
      ['generate_id', 'On'],
      ['tls', 'On'],
      ['tls.verify', 'On'],
      ['logstash_format', 'On'],
    ] as const) {
      assert.equal(es.entries.get(key), value, key);
    }
    assert.ok(es.entries.get('retry_limit'), 'retries');
    assert.ok(es.entries.get('storage.total_limit_size'), 'bounded disk buffer');
    assert.match(
      es.entries.get('http_passwd') ?? '',
      /^\$\{\w+\}$/,
      'password from the environment, not the file',
    );
  });

  it('serves metrics on 2020, where its ServiceMonitor scrapes', () => {
    const service = section(config, 'SERVICE');
    assert.equal(service.entries.get('http_server'), 'On');
    assert.equal(service.entries.get('http_port'), '2020');
  });
});
