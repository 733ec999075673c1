/**
 * Where each metric the dashboards and rules read comes from. Service metrics are checked
 * against a live /metrics scrape of the running services (live.test.ts); the others come
 * from exporters that only run in a cluster, so each names its source.
 */
export const SERVICE_METRICS_PREFIXES = [
  'http_',
  'positions_',
  'position_',
  'vehicles_',
  'sse_',
  'process_',
  'nodejs_',
];

export const EXTERNAL_METRICS: Record<string, string> = {
  up: 'Prometheus itself, one per scrape target',
  activemq_queue_queue_size: 'ActiveMQ JMX exporter (platform/activemq/jmx-exporter.yaml)',
  activemq_queue_consumer_count: 'ActiveMQ JMX exporter (platform/activemq/jmx-exporter.yaml)',
  fluentbit_input_records_total:
    'Fluent Bit /api/v2/metrics/prometheus (platform/logging/fluent-bit)',
  fluentbit_output_proc_records_total:
    'Fluent Bit /api/v2/metrics/prometheus (platform/logging/fluent-bit)',
  kubelet_volume_stats_available_bytes: 'kubelet, scraped by kube-prometheus-stack',
  kubelet_volume_stats_capacity_bytes: 'kubelet, scraped by kube-prometheus-stack',
};

export const isServiceMetric = (name: string): boolean =>
  SERVICE_METRICS_PREFIXES.some((prefix) => name.startsWith(prefix));
