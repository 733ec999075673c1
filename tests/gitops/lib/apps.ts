// What the suite expects of the generated Applications, read from where the repository writes
// it (clusters/<cluster>/<app>/app.yaml), plus the chart Applications' CRDs that the suite
// stands in for (their charts cannot be fetched offline).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, goModuleDir, sourcesValue } from './environment.js';
import type { Application, Cluster, Json } from './kube.js';

export interface AppFacts {
  name: string;
  project: string;
  namespace: string;
  tier: string;
  order?: number;
  prune?: boolean;
}

/** One entry per clusters/<cluster>/<folder>/app.yaml of the given checkout. */
export function appFacts(root: string, cluster: string): AppFacts[] {
  const dir = join(root, 'clusters', cluster);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'app.yaml')))
    .map((d) => ({
      name: d.name,
      ...(parse(readFileSync(join(dir, d.name, 'app.yaml'), 'utf8')) as Omit<AppFacts, 'name'>),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function ownedBy(app: Application, appSet: string): boolean {
  const refs =
    (app.metadata as { ownerReferences?: { kind: string; name: string }[] }).ownerReferences ?? [];
  return refs.some((r) => r.kind === 'ApplicationSet' && r.name === appSet);
}

/** Sources of an Application, single or multi-source. */
export function sourcesOf(app: { spec: Application['spec'] }): Json[] {
  return app.spec.sources ?? (app.spec.source ? [app.spec.source] : []);
}

export const isChartApp = (app: { spec: Application['spec'] }) =>
  sourcesOf(app).some((s) => typeof s.chart === 'string');

/** Synced, Healthy and (when it ran one) its last operation succeeded. */
/**
 * Healthy, or Degraded only because of HorizontalPodAutoscalers that cannot read metrics: a
 * kwok cluster has no metrics API (metrics-server), so the EKS HPAs report Degraded here. Then
 * every HPA of the app must say exactly that, and every Deployment/StatefulSet of it must be
 * rolled out. Autoscaling itself is left to a real cluster.
 */
export async function healthy(cluster: Cluster, app: Application): Promise<boolean> {
  const s = app.status;
  if (s?.health?.status === 'Healthy') return true;
  if (s?.health?.status !== 'Degraded') return false;
  const resources = s.resources ?? [];
  const hpas = resources.filter((r) => r.kind === 'HorizontalPodAutoscaler');
  if (!hpas.length) return false;
  for (const r of hpas) {
    const hpa = await cluster.get('hpa', r.name, r.namespace);
    const conditions = (hpa?.status?.conditions ?? []) as {
      type: string;
      status: string;
      reason: string;
    }[];
    if (
      !conditions.some(
        (c) =>
          c.type === 'ScalingActive' &&
          c.status === 'False' &&
          c.reason === 'FailedGetResourceMetric',
      )
    )
      return false;
  }
  for (const r of resources.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
    const w = await cluster.get(r.kind.toLowerCase(), r.name, r.namespace);
    const st = w?.status ?? {};
    if (st.observedGeneration !== w?.metadata.generation || st.readyReplicas !== w?.spec.replicas)
      return false;
  }
  return true;
}

export async function settled(
  cluster: Cluster,
  app: Application | undefined,
  revision?: string,
): Promise<boolean> {
  const s = app?.status;
  return (
    s?.sync?.status === 'Synced' &&
    (s.operationState === undefined || s.operationState.phase === 'Succeeded') &&
    (revision === undefined || s.sync.revision === revision) &&
    (await healthy(cluster, app!))
  );
}

/**
 * The CRDs a chart Application would install, from the Go modules tests/manifests/sources.env
 * names: ECK's for eck-operator, the Prometheus Operator's for kube-prometheus-stack.
 */
export const CHART_CRDS: Record<string, string> = {
  'eck-operator': 'CRD_SOURCE_ECK',
  'kube-prometheus-stack': 'CRD_SOURCE_PROMETHEUS_OPERATOR',
};

export async function applyChartCrds(cluster: Cluster, chartApp: string): Promise<string[]> {
  const key = CHART_CRDS[chartApp];
  if (!key) throw new Error(`no CRD stand-in known for chart Application ${chartApp}`);
  const [module, glob] = sourcesValue(key).split(':') as [string, string];
  const dir = await goModuleDir(module);
  const slash = glob.lastIndexOf('/');
  const folder = join(dir, glob.slice(0, slash));
  const pattern = new RegExp(
    `^${glob
      .slice(slash + 1)
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );
  const files = readdirSync(folder)
    .filter((f) => pattern.test(f))
    .map((f) => join(folder, f));
  if (!files.length) throw new Error(`${key}: no file matches ${glob} in ${dir}`);
  for (const f of files)
    await cluster.kubectl(['apply', '--server-side', '--force-conflicts', '-f', f]);
  return files;
}

export { ROOT };
