import type { DeviceStatus } from '@fleetman/contract';

/** A registered device. The secret is only ever stored hashed (secrets.ts). */
export interface DeviceRecord {
  /** What the device sends: OsmAnd `id`, OwnTracks `user` or `user/device`. */
  id: string;
  /** The vehicle its fixes are published for. */
  vehicle: string;
  /** The vehicle's display name in the position message. */
  name: string;
  secretHash: string;
  status: DeviceStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** Where the registry keeps its records: MongoDB in a cluster, memory for `npm start` and tests. */
export interface DeviceStore {
  readonly kind: string;
  init(): Promise<void>;
  get(id: string): Promise<DeviceRecord | undefined>;
  /** Creates or replaces the record with this id. */
  put(record: DeviceRecord): Promise<void>;
  list(): Promise<DeviceRecord[]>;
  isHealthy(): boolean;
  close(): Promise<void>;
}

export class MemoryDeviceStore implements DeviceStore {
  readonly kind = 'memory';
  readonly #records = new Map<string, DeviceRecord>();
  async init(): Promise<void> {}
  async get(id: string): Promise<DeviceRecord | undefined> {
    const record = this.#records.get(id);
    return record && { ...record };
  }
  async put(record: DeviceRecord): Promise<void> {
    this.#records.set(record.id, { ...record });
  }
  async list(): Promise<DeviceRecord[]> {
    return [...this.#records.values()].map((record) => ({ ...record }));
  }
  isHealthy(): boolean {
    return true;
  }
  async close(): Promise<void> {}
}
