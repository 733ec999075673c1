import type { Alert } from '@fleetman/contract';

/**
 * The seam between what raises alerts (the rules fed by fixes, status transitions and geofence
 * membership) and what does something with them (the alert store behind `GET /alerts` and the
 * stream's `alert` events, the webhooks). A rule calls `raise` once per alert; a sink must not
 * throw and must not block the fix path (it queues its own slow work).
 */
export interface AlertSink {
  raise(alert: Alert): void;
}

/** Several sinks as one, each shielded from the others' failures. */
export function fanOut(sinks: readonly AlertSink[], onError: (error: unknown) => void): AlertSink {
  return {
    raise(alert) {
      for (const sink of sinks) {
        try {
          sink.raise(alert);
        } catch (error) {
          onError(error);
        }
      }
    },
  };
}
