import type { DeviceRegistry } from '@fleetman/device-ingest';

export interface DemoDevice {
  id: string;
  /** Only when this start registered it: a secret is shown once and stored hashed. */
  secret?: string;
}

/**
 * So a phone can be tried at once: registers `id` (vehicle of the same name) unless the
 * registry already has it (with MONGO_URL it survives restarts, and its secret is not readable:
 * rotate it through the API to get a new one).
 */
export async function registerDemoDevice(
  registry: DeviceRegistry,
  id: string,
): Promise<DemoDevice> {
  const known = await registry.list();
  if (known.some((device) => device.id === id && device.status === 'active')) return { id };
  const { secret } = await registry.register({ id, vehicle: id, name: `Phone ${id}` });
  return { id, secret };
}
