import type { K8sObject } from './repo.js';

/**
 * The scrape job the Prometheus Operator generates for a ServiceMonitor endpoint, aimed at a
 * locally running service instead of Kubernetes endpoints: the Kubernetes discovery labels
 * are given as static `__meta_*` labels taken from the Service manifest, and the operator's
 * relabelling (selector keep, port keep, namespace/service/pod/container/job/endpoint) plus
 * the ServiceMonitor's own relabelings then run unchanged.
 */
interface Endpoint {
  port?: string;
  path?: string;
  interval?: string;
  scheme?: string;
  honorLabels?: boolean;
  relabelings?: Relabeling[];
  metricRelabelings?: Relabeling[];
}
interface Relabeling {
  sourceLabels?: string[];
  separator?: string;
  targetLabel?: string;
  regex?: string;
  modulus?: number;
  replacement?: string;
  action?: string;
}
interface ServiceMonitorSpec {
  jobLabel?: string;
  selector: { matchLabels?: Record<string, string> };
  endpoints: Endpoint[];
}
interface ServiceSpec {
  ports: Array<{ name?: string; port: number }>;
}

export const sanitize = (label: string): string => label.replace(/[^a-zA-Z0-9_]/g, '_');

function toPrometheus(r: Relabeling): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.sourceLabels) out.source_labels = r.sourceLabels;
  if (r.separator !== undefined) out.separator = r.separator;
  if (r.targetLabel) out.target_label = r.targetLabel;
  if (r.regex !== undefined) out.regex = r.regex;
  if (r.modulus !== undefined) out.modulus = r.modulus;
  if (r.replacement !== undefined) out.replacement = r.replacement;
  if (r.action) out.action = r.action.toLowerCase();
  return out;
}

export function scrapeJobs(
  monitor: K8sObject,
  service: K8sObject,
  target: { address: string; pod: string; container: string },
  scrapeInterval: string,
): Record<string, unknown>[] {
  const spec = monitor.spec as ServiceMonitorSpec;
  const namespace = service.metadata?.namespace ?? 'default';
  const serviceLabels = service.metadata?.labels ?? {};
  const ports = (service.spec as ServiceSpec).ports;
  return spec.endpoints.map((endpoint, index) => {
    const discovered = ports.map((port) => ({
      targets: [target.address],
      labels: {
        __meta_kubernetes_namespace: namespace,
        __meta_kubernetes_service_name: service.metadata?.name ?? '',
        __meta_kubernetes_endpoint_port_name: port.name ?? '',
        __meta_kubernetes_pod_name: target.pod,
        __meta_kubernetes_pod_container_name: target.container,
        ...Object.fromEntries(
          Object.entries(serviceLabels).flatMap(([k, v]) => [
            [`__meta_kubernetes_service_label_${sanitize(k)}`, v],
            [`__meta_kubernetes_service_labelpresent_${sanitize(k)}`, 'true'],
          ]),
        ),
      },
    }));
    const selectorKeeps = Object.entries(spec.selector.matchLabels ?? {}).map(([k, v]) => ({
      action: 'keep',
      source_labels: [
        `__meta_kubernetes_service_label_${sanitize(k)}`,
        `__meta_kubernetes_service_labelpresent_${sanitize(k)}`,
      ],
      regex: `(${v});true`,
    }));
    const jobFrom = spec.jobLabel
      ? {
          source_labels: [`__meta_kubernetes_service_label_${sanitize(spec.jobLabel)}`],
          target_label: 'job',
          regex: '(.+)',
          replacement: '${1}',
        }
      : {
          source_labels: ['__meta_kubernetes_service_name'],
          target_label: 'job',
          replacement: '${1}',
        };
    return {
      job_name: `serviceMonitor/${monitor.metadata?.namespace ?? namespace}/${monitor.metadata?.name}/${index}`,
      honor_labels: endpoint.honorLabels ?? false,
      scrape_interval: scrapeInterval,
      metrics_path: endpoint.path ?? '/metrics',
      scheme: endpoint.scheme ?? 'http',
      static_configs: discovered,
      relabel_configs: [
        ...selectorKeeps,
        {
          action: 'keep',
          source_labels: ['__meta_kubernetes_endpoint_port_name'],
          regex: endpoint.port ?? '.*',
        },
        { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
        { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
        { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
        { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
        jobFrom,
        { target_label: 'endpoint', replacement: endpoint.port ?? '' },
        ...(endpoint.relabelings ?? []).map(toPrometheus),
      ],
      metric_relabel_configs: (endpoint.metricRelabelings ?? []).map(toPrometheus),
    };
  });
}
