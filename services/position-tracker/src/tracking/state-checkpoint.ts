import type { Logger } from '@fleetman/service-kit';
import type { PositionStore } from '../data/position-store.js';
import type { VehicleState } from '../domain/vehicle-state.js';

export interface StateCheckpointOptions {
  store: PositionStore;
  vehicles: ReadonlyMap<string, VehicleState>;
  logger: Logger;
  intervalMs?: number;
}

/**
 * Saves the latest state of the vehicles that changed, every `intervalMs`, off the
 * acknowledgement path. History is what a message's acknowledgement waits for; the latest
 * states only spare a restart from scanning history, so a second of lag there costs nothing
 * while an upsert per fix would cap throughput (one upsert per vehicle per batch was the
 * bottleneck on FerretDB: ~2 ms each).
 */
export class StateCheckpoint {
  #dirty = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(private readonly options: StateCheckpointOptions) {}

  start(): this {
    this.#timer = setInterval(() => void this.flush(), this.options.intervalMs ?? 1000);
    this.#timer.unref();
    return this;
  }

  mark(id: string): void {
    this.#dirty.add(id);
  }

  /** One save at a time; what fails stays marked and goes with the next one. */
  flush(): Promise<void> {
    this.#running ??= this.#save().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
    await this.flush();
  }

  async #save(): Promise<void> {
    if (this.#dirty.size === 0) return;
    const ids = [...this.#dirty];
    this.#dirty.clear();
    const states = ids
      .map((id) => this.options.vehicles.get(id))
      .filter((s): s is VehicleState => s !== undefined);
    try {
      await this.options.store.saveVehicles(states);
    } catch (err) {
      for (const id of ids) this.#dirty.add(id);
      this.options.logger.warn(
        { err, vehicles: ids.length },
        'saving latest vehicle states failed; will retry',
      );
    }
  }
}
