import { MongoClient, type Collection } from 'mongodb';
import type { Logger } from '@fleetman/service-kit';
import type { DeviceRecord, DeviceStore } from './device-store.js';

export interface MongoDeviceStoreOptions {
  url: string;
  username?: string;
  password?: string;
  /** Database name when the URL has none. */
  database?: string;
  logger: Logger;
}

type DeviceDoc = Omit<DeviceRecord, 'id'> & { _id: string };

/**
 * The registry in the `devices` collection (one document per device, `_id` = device id), next
 * to the tracker's collections in the same database. The only module that imports the driver.
 */
export class MongoDeviceStore implements DeviceStore {
  readonly kind = 'mongodb';
  readonly #client: MongoClient;
  readonly #devices: Collection<DeviceDoc>;
  #healthy = false;

  constructor(private readonly options: MongoDeviceStoreOptions) {
    const auth = options.username
      ? { auth: { username: options.username, password: options.password ?? '' } }
      : {};
    this.#client = new MongoClient(options.url, {
      ...auth,
      serverSelectionTimeoutMS: 5_000,
      connectTimeoutMS: 5_000,
      appName: 'device-ingest',
    });
    this.#client.on('serverHeartbeatSucceeded', () => (this.#healthy = true));
    this.#client.on('serverHeartbeatFailed', () => (this.#healthy = false));
    this.#devices = this.#client.db(options.database).collection<DeviceDoc>('devices');
  }

  async init(): Promise<void> {
    await this.#client.connect();
    // An index for the listing by vehicle an operator asks for ("which phone is truck 7?").
    await this.#devices.createIndex({ vehicle: 1 }, { name: 'vehicle' });
    this.#healthy = true;
    this.options.logger.info({ collection: this.#devices.collectionName }, 'device registry ready');
  }

  async get(id: string): Promise<DeviceRecord | undefined> {
    const doc = await this.#guard(() => this.#devices.findOne({ _id: id }));
    return doc ? fromDoc(doc) : undefined;
  }

  async put(record: DeviceRecord): Promise<void> {
    const { id, ...rest } = record;
    await this.#guard(() => this.#devices.replaceOne({ _id: id }, rest, { upsert: true }));
  }

  async list(): Promise<DeviceRecord[]> {
    const docs = await this.#guard(() => this.#devices.find({}).sort({ _id: 1 }).toArray());
    return docs.map(fromDoc);
  }

  isHealthy(): boolean {
    return this.#healthy;
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  async #guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      const result = await operation();
      this.#healthy = true;
      return result;
    } catch (err) {
      this.#healthy = false;
      throw err;
    }
  }
}

const fromDoc = ({ _id, ...rest }: DeviceDoc): DeviceRecord => ({ ...rest, id: _id });
