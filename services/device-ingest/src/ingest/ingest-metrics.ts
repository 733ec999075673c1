import { Counter, Histogram, LATENCY_BUCKETS, type Registry } from '@fleetman/service-kit';
import {
  FIX_REJECT_REASONS,
  IGNORED_REASONS,
  PROTOCOLS,
  type Protocol,
} from '../protocols/device-fix.js';
import { AUTH_FAILURES } from '../registry/device-registry.js';

export const REQUEST_OUTCOMES = [
  'accepted',
  'bad_request',
  'unauthorized',
  'unknown_device',
  'rate_limited',
  'too_large',
  'unavailable',
] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;

/** Every label combination starts at 0, so a dashboard's rate() sees the first failure. */
export function createIngestMetrics(registry: Registry) {
  const requests = new Counter({
    name: 'ingest_requests_total',
    help: 'Device requests, by protocol and outcome',
    labelNames: ['protocol', 'outcome'] as const,
    registers: [registry],
  });
  const fixes = new Counter({
    name: 'ingest_fixes_total',
    help: 'Fixes received, by protocol and outcome (accepted = confirmed by the broker)',
    labelNames: ['protocol', 'outcome'] as const,
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'ingest_rejected_total',
    help: 'Fixes or requests refused as bad input, by protocol and reason',
    labelNames: ['protocol', 'reason'] as const,
    registers: [registry],
  });
  const ignored = new Counter({
    name: 'ingest_ignored_total',
    help: 'Records acknowledged without a fix (heartbeats, OwnTracks non-location messages)',
    labelNames: ['protocol', 'reason'] as const,
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'ingest_auth_failures_total',
    help: 'Device requests refused by the registry, by protocol and reason',
    labelNames: ['protocol', 'reason'] as const,
    registers: [registry],
  });
  const publishSeconds = new Histogram({
    name: 'ingest_publish_seconds',
    help: "Time from a request's decoded fixes to the broker's confirmation of all of them",
    labelNames: ['protocol'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const published = new Counter({
    name: 'positions_published_total',
    help: 'Position messages the broker confirmed',
    registers: [registry],
  });
  const publishFailures = new Counter({
    name: 'positions_publish_failures_total',
    help: 'Requests whose fixes the broker did not confirm in time (the device retries)',
    registers: [registry],
  });
  for (const protocol of PROTOCOLS) {
    for (const outcome of REQUEST_OUTCOMES) requests.inc({ protocol, outcome }, 0);
    for (const outcome of ['accepted', 'rejected', 'ignored']) fixes.inc({ protocol, outcome }, 0);
    for (const reason of FIX_REJECT_REASONS) rejected.inc({ protocol, reason }, 0);
    for (const reason of IGNORED_REASONS) ignored.inc({ protocol, reason }, 0);
    for (const reason of AUTH_FAILURES) authFailures.inc({ protocol, reason }, 0);
  }
  return {
    request: (protocol: Protocol, outcome: RequestOutcome) => requests.inc({ protocol, outcome }),
    fixes: (protocol: Protocol, outcome: 'accepted' | 'rejected' | 'ignored', count: number) =>
      count > 0 && fixes.inc({ protocol, outcome }, count),
    rejected: (protocol: Protocol, reason: string) => rejected.inc({ protocol, reason }),
    ignored: (protocol: Protocol, reason: string) => ignored.inc({ protocol, reason }),
    authFailure: (protocol: Protocol, reason: string) => authFailures.inc({ protocol, reason }),
    publishTimer: (protocol: Protocol) => publishSeconds.startTimer({ protocol }),
    published: (count: number) => published.inc(count),
    publishFailed: () => publishFailures.inc(),
  };
}
