import { parseAllDocuments } from 'yaml';
import { path, type K8sObject } from './repo.js';
import { kustomize } from './tools.js';

export const SERVICES = [
  'position-simulator',
  'position-tracker',
  'api-gateway',
  'device-ingest',
] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The rendered Service and ServiceMonitor of a service's deploy base. */
export function monitoringObjects(service: ServiceName): {
  service: K8sObject;
  monitor: K8sObject;
} {
  const rendered = kustomize(path(`services/${service}/deploy`));
  if (rendered.status !== 0)
    throw new Error(`services/${service}/deploy does not render: ${rendered.stderr}`);
  const objects = parseAllDocuments(rendered.stdout).map((d) => d.toJS() as K8sObject);
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata?.name === service);
  const monitor = objects.find((o) => o.kind === 'ServiceMonitor');
  if (!svc) throw new Error(`services/${service}/deploy has no Service named ${service}`);
  if (!monitor) throw new Error(`services/${service}/deploy has no ServiceMonitor`);
  return { service: svc, monitor };
}
