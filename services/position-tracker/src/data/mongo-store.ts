import { MongoBulkWriteError, MongoClient, type Collection, type Db } from 'mongodb';
import type { Logger } from '@fleetman/service-kit';
import type { VehicleState } from '../domain/vehicle-state.js';
import type { HistoryQuery, PositionRecord, PositionStore } from './position-store.js';

const DUPLICATE_KEY = 11000;
const UPSERTS_PER_COMMAND = 50;

export type RetentionMode = 'auto' | 'ttl' | 'sweep';

export interface MongoStoreOptions {
  url: string;
  username?: string;
  password?: string;
  /** The database: MONGO_URL's if it names one, else MONGO_DATABASE (mongoDatabaseName). */
  database?: string;
  retentionMs: number;
  /** `ttl`: a TTL index does it (MongoDB); `sweep`: the tracker deletes periodically (FerretDB has no TTL). */
  retention: RetentionMode;
  logger: Logger;
}

type VehicleDoc = Omit<VehicleState, 'id' | 'offline'> & { _id: string; offline?: boolean };

/**
 * History in `positions` (unique on vehicle + fix time, which makes redelivered messages harmless)
 * and latest states in `vehicles`. The only module that imports the MongoDB driver.
 */
export class MongoStore implements PositionStore {
  readonly kind = 'mongodb';
  #client: MongoClient;
  #db: Db;
  #positions: Collection<PositionRecord>;
  #vehicles: Collection<VehicleDoc>;
  #healthy = false;
  /** What the database does about retention, decided in init(). */
  retention: 'ttl' | 'sweep' = 'sweep';

  constructor(private readonly options: MongoStoreOptions) {
    const auth = options.username
      ? { auth: { username: options.username, password: options.password ?? '' } }
      : {};
    this.#client = new MongoClient(options.url, {
      ...auth,
      serverSelectionTimeoutMS: 5_000,
      connectTimeoutMS: 5_000,
      appName: 'position-tracker',
    });
    this.#client.on('serverHeartbeatSucceeded', () => (this.#healthy = true));
    this.#client.on('serverHeartbeatFailed', () => (this.#healthy = false));
    this.#db = this.#client.db(options.database);
    this.#positions = this.#db.collection<PositionRecord>('positions');
    this.#vehicles = this.#db.collection<VehicleDoc>('vehicles');
  }

  /** The database in use (MONGO_URL's, else MONGO_DATABASE: see createStore). */
  get databaseName(): string {
    return this.#db.databaseName;
  }

  async init(): Promise<void> {
    await this.#client.connect();
    await this.#positions.createIndex(
      { vehicle: 1, time: 1 },
      { unique: true, name: 'vehicle_time' },
    );
    this.retention =
      this.options.retention === 'auto' ? await this.#detectRetention() : this.options.retention;
    if (this.retention === 'ttl') await this.#ensureTtl();
    this.#healthy = true;
    this.options.logger.info(
      { database: this.#db.databaseName, retention: this.retention },
      'store ready',
    );
  }

  async #detectRetention(): Promise<'ttl' | 'sweep'> {
    const info = await this.#db.admin().command({ buildInfo: 1 });
    return 'ferretdb' in info || 'ferretdbVersion' in info ? 'sweep' : 'ttl';
  }

  async #ensureTtl(): Promise<void> {
    const expireAfterSeconds = Math.round(this.options.retentionMs / 1000);
    try {
      await this.#positions.createIndex({ time: 1 }, { name: 'retention', expireAfterSeconds });
    } catch (err) {
      // The index exists with another expiry: change it in place rather than drop and rebuild.
      if ((err as { codeName?: string }).codeName !== 'IndexOptionsConflict') throw err;
      await this.#db.command({
        collMod: 'positions',
        index: { name: 'retention', expireAfterSeconds },
      });
    }
  }

  async insertPositions(records: PositionRecord[]): Promise<boolean[]> {
    if (records.length === 0) return [];
    const fresh = records.map(() => true);
    try {
      // Copies: the driver adds _id to the objects it inserts.
      await this.#positions.insertMany(
        records.map((record) => ({ ...record })),
        { ordered: false },
      );
    } catch (err) {
      // Only "every record is either inserted or a duplicate" is a success. A connection failure
      // also arrives as a MongoBulkWriteError, with no write errors: treating that as success
      // would acknowledge fixes that were never stored.
      if (!(err instanceof MongoBulkWriteError)) throw this.#failed(err);
      const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
      const onlyDuplicates =
        errors.length > 0 && errors.every((writeError) => writeError.code === DUPLICATE_KEY);
      if (!onlyDuplicates || err.insertedCount + errors.length !== records.length)
        throw this.#failed(err);
      for (const writeError of errors) fresh[writeError.index] = false;
    }
    this.#healthy = true;
    return fresh;
  }

  async saveVehicles(states: VehicleState[]): Promise<void> {
    try {
      // In chunks: FerretDB 1.24 hangs on an update command of ~90+ upserts of existing
      // documents (found by bench:pipeline); 50 per command costs MongoDB nothing measurable.
      for (let i = 0; i < states.length; i += UPSERTS_PER_COMMAND) {
        await this.#vehicles.bulkWrite(
          states.slice(i, i + UPSERTS_PER_COMMAND).map(({ id, ...rest }) => ({
            replaceOne: { filter: { _id: id }, replacement: rest, upsert: true },
          })),
          { ordered: false },
        );
      }
    } catch (err) {
      throw this.#failed(err);
    }
  }

  async loadVehicles(): Promise<VehicleState[]> {
    const docs = await this.#vehicles.find({}).toArray();
    // States saved before `offline` existed lack it: the presence timer decides again at start.
    return docs.map(({ _id, offline, ...rest }) => ({
      ...rest,
      offline: offline ?? false,
      id: _id,
    }));
  }

  async history(vehicle: string, { from, to, limit }: HistoryQuery): Promise<PositionRecord[]> {
    const time = { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) };
    const filter = { vehicle, ...(from || to ? { time } : {}) };
    const projection = { _id: 0 } as const;
    if (from)
      return this.#positions.find(filter, { projection }).sort({ time: 1 }).limit(limit).toArray();
    const newest = await this.#positions
      .find(filter, { projection })
      .sort({ time: -1 })
      .limit(limit)
      .toArray();
    return newest.reverse();
  }

  async sweep(olderThan: Date): Promise<number> {
    if (this.retention === 'ttl') return 0;
    const { deletedCount } = await this.#positions.deleteMany({ time: { $lt: olderThan } });
    return deletedCount;
  }

  isHealthy(): boolean {
    return this.#healthy;
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  #failed(err: unknown): unknown {
    this.#healthy = false;
    return err;
  }
}
