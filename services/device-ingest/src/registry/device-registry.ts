import type { DeviceRegistration, DeviceSecret, DeviceView } from '@fleetman/contract';
import { AppError } from '@fleetman/service-kit';
import type { Credentials } from '../protocols/device-fix.js';
import type { DeviceRecord, DeviceStore } from './device-store.js';
import { generateSecret, hashSecret, secretDigest, verifySecret } from './secrets.js';

export type { DeviceView };

export const AUTH_FAILURES = ['unknown_device', 'revoked', 'missing_secret', 'bad_secret'] as const;
export type AuthFailure = (typeof AUTH_FAILURES)[number];

export type AuthResult = { ok: true; device: DeviceRecord } | { ok: false; reason: AuthFailure };

export type Registration = DeviceRegistration;

export interface DeviceRegistryOptions {
  store: DeviceStore;
  /** How long a looked-up record (and a verified secret) is trusted without asking the store. */
  cacheMs: number;
  /** Records kept in the cache at most (least recently used dropped). */
  cacheSize?: number;
  now?: () => number;
}

interface CacheEntry {
  record: DeviceRecord | undefined;
  fetchedAt: number;
  /** Digests of secrets that verified against this record's hash. */
  verified: Set<string>;
}

export const MIN_SECRET_LENGTH = 12;

/**
 * Registration, rotation, revocation and the check of every device request. Lookups are cached
 * for `cacheMs` (unknown ids too, so a stranger cannot make every request a database query);
 * changes made through this replica take effect at once, changes made through another replica
 * within `cacheMs`.
 */
export class DeviceRegistry {
  readonly #cache = new Map<string, CacheEntry>();
  readonly #now: () => number;

  constructor(private readonly options: DeviceRegistryOptions) {
    this.#now = options.now ?? Date.now;
  }

  async register(input: Registration): Promise<DeviceSecret> {
    const existing = await this.options.store.get(input.id);
    if (existing?.status === 'active') {
      throw new AppError(409, 'device_exists', `Device "${input.id}" is already registered`);
    }
    const secret = input.secret ?? generateSecret();
    const now = new Date(this.#now());
    const vehicle = input.vehicle ?? input.id;
    const record: DeviceRecord = {
      id: input.id,
      vehicle,
      name: input.name ?? vehicle,
      secretHash: await hashSecret(secret),
      status: 'active',
      // Re-registering a revoked device keeps its history of when it first appeared.
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.options.store.put(record);
    this.#cache.delete(record.id);
    return { device: toView(record), secret };
  }

  async rotate(id: string): Promise<DeviceSecret> {
    const record = await this.#existing(id);
    if (record.status === 'revoked') {
      throw new AppError(409, 'device_revoked', `Device "${id}" is revoked; register it again`);
    }
    const secret = generateSecret();
    const updated = {
      ...record,
      secretHash: await hashSecret(secret),
      updatedAt: new Date(this.#now()),
    };
    await this.options.store.put(updated);
    this.#cache.delete(id);
    return { device: toView(updated), secret };
  }

  /** Idempotent: revoking a revoked device answers the same record. */
  async revoke(id: string): Promise<DeviceView> {
    const record = await this.#existing(id);
    if (record.status === 'revoked') return toView(record);
    const updated: DeviceRecord = {
      ...record,
      status: 'revoked',
      updatedAt: new Date(this.#now()),
    };
    await this.options.store.put(updated);
    this.#cache.delete(id);
    return toView(updated);
  }

  async get(id: string): Promise<DeviceView> {
    return toView(await this.#existing(id));
  }

  async list(): Promise<DeviceView[]> {
    return (await this.options.store.list()).map(toView);
  }

  /** Whether a device request may publish: a registered, active device with its secret. */
  async authenticate(credentials: Credentials): Promise<AuthResult> {
    let found: CacheEntry | undefined;
    for (const id of [credentials.deviceId, ...(credentials.fallbackIds ?? [])]) {
      const entry = await this.#lookup(id);
      if (entry.record) {
        found = entry;
        break;
      }
    }
    if (!found?.record) return { ok: false, reason: 'unknown_device' };
    const { record } = found;
    if (record.status === 'revoked') return { ok: false, reason: 'revoked' };
    const secret = credentials.secret;
    if (!secret) return { ok: false, reason: 'missing_secret' };
    const digest = secretDigest(secret);
    if (found.verified.has(digest)) return { ok: true, device: record };
    if (!(await verifySecret(secret, record.secretHash)))
      return { ok: false, reason: 'bad_secret' };
    found.verified.add(digest);
    return { ok: true, device: record };
  }

  async #existing(id: string): Promise<DeviceRecord> {
    const record = await this.options.store.get(id);
    if (!record) throw new AppError(404, 'device_not_found', `No device "${id}" is registered`);
    return record;
  }

  async #lookup(id: string): Promise<CacheEntry> {
    const now = this.#now();
    const cached = this.#cache.get(id);
    if (cached && now - cached.fetchedAt < this.options.cacheMs) {
      // Re-inserted on use: Map order is then least-recently-used first.
      this.#cache.delete(id);
      this.#cache.set(id, cached);
      return cached;
    }
    const entry: CacheEntry = {
      record: await this.options.store.get(id),
      fetchedAt: now,
      verified: new Set(),
    };
    this.#cache.delete(id);
    this.#cache.set(id, entry);
    if (this.#cache.size > (this.options.cacheSize ?? 100_000)) {
      this.#cache.delete(this.#cache.keys().next().value as string);
    }
    return entry;
  }
}

export function toView(record: DeviceRecord): DeviceView {
  return {
    id: record.id,
    vehicle: record.vehicle,
    name: record.name,
    status: record.status,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}
