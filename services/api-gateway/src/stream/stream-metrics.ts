import { Counter, Gauge, type Registry } from '@fleetman/service-kit';

/** The live-stream metrics; `sse_clients` is part of the project's observability contract. */
export function createStreamMetrics(registry: Registry) {
  return {
    clients: new Gauge({
      name: 'sse_clients',
      help: 'Browsers currently connected to the live position stream',
      registers: [registry],
    }),
    clientsDisconnected: new Counter({
      name: 'sse_clients_disconnected_total',
      help: 'Stream clients the gateway cut off, by reason (slow: its buffer overflowed)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    eventsReceived: new Counter({
      name: 'sse_upstream_events_total',
      help: 'Events received from the tracker stream, by outcome (relayed, duplicate, unsequenced)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    upstreamConnected: new Gauge({
      name: 'sse_upstream_connected',
      help: '1 while the gateway holds its stream connection to the tracker',
      registers: [registry],
    }),
    upstreamReconnects: new Counter({
      name: 'sse_upstream_reconnects_total',
      help: 'Times the tracker stream was lost and had to be reopened',
      registers: [registry],
    }),
    ringEvents: new Gauge({
      name: 'sse_resume_window_events',
      help: 'Events currently held for Last-Event-ID resumes',
      registers: [registry],
    }),
  };
}

export type StreamMetrics = ReturnType<typeof createStreamMetrics>;
