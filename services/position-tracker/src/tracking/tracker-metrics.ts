import { REJECT_REASONS } from '@fleetman/contract';
import { Counter, Gauge, Histogram, LATENCY_BUCKETS, type Registry } from '@fleetman/service-kit';

export type TrackerMetrics = ReturnType<typeof createTrackerMetrics>;

export function createTrackerMetrics(registry: Registry, vehiclesTracked: () => number) {
  const rejected = new Counter({
    name: 'positions_rejected_total',
    help: 'Messages dead-lettered instead of stored, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  // Every reason exists from the start, so rate() and alerts see 0 rather than no series.
  for (const reason of REJECT_REASONS) rejected.labels({ reason }).inc(0);
  return {
    consumed: new Counter({
      name: 'positions_consumed_total',
      help: 'Position messages stored and acknowledged',
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'positions_duplicate_total',
      help: 'Position messages whose (vehicle, fix time) was already stored (redeliveries, duplicate fixes)',
      registers: [registry],
    }),
    rejected,
    e2eLatency: new Histogram({
      name: 'position_e2e_latency_seconds',
      help: 'Delay from a fix time to the moment the fix is stored',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    storeBatch: new Histogram({
      name: 'position_store_batch_seconds',
      help: 'Time to store one batch of positions',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    storeFailures: new Counter({
      name: 'position_store_failures_total',
      help: 'Failed attempts to store a batch (retried until they succeed)',
      registers: [registry],
    }),
    vehicles: new Gauge({
      name: 'vehicles_tracked',
      help: 'Vehicles with a known latest position',
      registers: [registry],
      collect() {
        this.set(vehiclesTracked());
      },
    }),
  };
}
