import { STREAM_EVENTS, type PositionFix } from '@fleetman/contract';
import { createBackoff, type Logger } from '@fleetman/service-kit';
import type { PositionRecord, PositionStore } from '../data/position-store.js';
import { advance, toView, type VehicleState } from '../domain/vehicle-state.js';
import type { LiveFeed } from '../live/live-feed.js';
import type { StatusTransitions } from './presence.js';
import { StateCheckpoint } from './state-checkpoint.js';
import type { TrackerMetrics } from './tracker-metrics.js';

interface Pending {
  fix: PositionFix;
  receivedAt: Date;
  done: (error?: unknown) => void;
}

export interface IngestorOptions {
  store: PositionStore;
  feed: LiveFeed;
  metrics: TrackerMetrics;
  logger: Logger;
  /** A batch is written when it reaches this size… */
  batchSize?: number;
  /** …or when its oldest message has waited this long. */
  maxWaitMs?: number;
  /** How often changed latest states are saved (they are not on the acknowledgement path). */
  checkpointMs?: number;
  /** Where "back online" goes when a fix arrives from a vehicle the presence timer marked offline. */
  transitions?: StatusTransitions;
}

export class IngestStoppedError extends Error {
  constructor() {
    super('ingest stopped before the position was stored');
  }
}

/**
 * Turns accepted fixes into stored history, live state and stream events. Fixes are written in
 * batches; a submit() resolves only once its fix is stored, which is when the consumer may
 * acknowledge the message. When the database is down the batch is retried with backoff, holding
 * the acknowledgements (and so the broker's credit) until it is back: nothing is lost or spun.
 */
export class Ingestor {
  readonly vehicles = new Map<string, VehicleState>();
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #stopped = false;
  readonly #batchSize: number;
  readonly #maxWaitMs: number;
  readonly #checkpoint: StateCheckpoint;

  constructor(private readonly options: IngestorOptions) {
    this.#batchSize = options.batchSize ?? 500;
    this.#maxWaitMs = options.maxWaitMs ?? 20;
    this.#checkpoint = new StateCheckpoint({
      store: options.store,
      vehicles: this.vehicles,
      logger: options.logger,
      intervalMs: options.checkpointMs,
    }).start();
  }

  /** Rebuilds the hot map from the store: GET /vehicles never scans history. */
  async load(): Promise<void> {
    for (const state of await this.options.store.loadVehicles()) this.vehicles.set(state.id, state);
  }

  /** A state changed outside a batch (the presence timer): save it with the next checkpoint. */
  markChanged(id: string): void {
    this.#checkpoint.mark(id);
  }

  submit(fix: PositionFix, receivedAt = new Date()): Promise<void> {
    if (this.#stopped) return Promise.reject(new IngestStoppedError());
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ fix, receivedAt, done: (error) => (error ? reject(error) : resolve()) });
      if (this.#pending.length >= this.#batchSize) this.#kick();
      else this.#timer ??= setTimeout(() => this.#kick(), this.#maxWaitMs);
    });
  }

  /**
   * Writes what is pending and the last states, then stops; a batch stuck on a dead database is
   * released instead.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#kick();
    await this.#flushing;
    await this.#checkpoint.stop();
  }

  #kick(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#flushing || this.#pending.length === 0) return;
    this.#flushing = this.#drain().finally(() => {
      this.#flushing = undefined;
      if (this.#pending.length > 0) this.#kick();
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#batchSize);
      try {
        await this.#write(batch);
        for (const item of batch) item.done();
      } catch (error) {
        for (const item of batch) item.done(error);
      }
    }
  }

  async #write(batch: Pending[]): Promise<void> {
    const { store, feed, metrics } = this.options;
    // Per vehicle in fix-time order, so speed and heading are computed between consecutive fixes.
    const ordered = [...batch].sort(
      (a, b) =>
        a.fix.vehicle.localeCompare(b.fix.vehicle) || a.fix.time.getTime() - b.fix.time.getTime(),
    );
    const next = new Map<string, VehicleState>();
    const advanced: VehicleState[] = [];
    const records: PositionRecord[] = ordered.map(({ fix, receivedAt }) => {
      const step = advance(
        next.get(fix.vehicle) ?? this.vehicles.get(fix.vehicle),
        fix,
        receivedAt,
      );
      next.set(fix.vehicle, step.state);
      if (step.kind === 'jump') return { ...fix, receivedAt, flags: ['jump'] };
      if (step.kind === 'stale') return { ...fix, receivedAt };
      advanced.push(step.state);
      return { ...fix, speed: step.state.speed, heading: step.state.heading, receivedAt };
    });

    const fresh = await this.#retry(() => store.insertPositions(records));

    const now = Date.now();
    const backOnline: VehicleState[] = [];
    for (const [id, state] of next) {
      // Read now, after the write: the presence timer may have marked it offline meanwhile.
      if (this.vehicles.get(id)?.offline) backOnline.push(state);
      this.vehicles.set(id, state);
      this.#checkpoint.mark(id);
    }
    for (const state of advanced) feed.publish(STREAM_EVENTS.position, toView(state));
    for (const state of backOnline)
      this.options.transitions?.emit({ kind: 'online', state, previousStatus: 'offline' });
    metrics.consumed.inc(batch.length);
    fresh.forEach((isNew, i) => {
      if (!isNew) metrics.duplicates.inc();
      else
        metrics.e2eLatency.observe(
          Math.max(0, now - (records[i] as PositionRecord).time.getTime()) / 1000,
        );
    });
  }

  async #retry<T>(operation: () => Promise<T>): Promise<T> {
    const { metrics, logger } = this.options;
    // 100 ms doubling to 5 s (jittered): a database outage is not hammered, its end noticed soon.
    const backoff = createBackoff({ initialMs: 100, maxMs: 5_000 });
    for (let attempt = 0; ; attempt++) {
      const stop = metrics.storeBatch.startTimer();
      try {
        const result = await operation();
        stop();
        if (attempt > 0) logger.info({ attempts: attempt + 1 }, 'store is back, batch written');
        return result;
      } catch (err) {
        metrics.storeFailures.inc();
        if (attempt === 0)
          logger.error({ err }, 'store failed, retrying; acknowledgements are held');
        if (this.#stopped) throw err;
        await new Promise((resolve) => setTimeout(resolve, backoff.next()));
      }
    }
  }
}
