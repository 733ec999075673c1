import { readSseEvents, type ParsedSseEvent } from '@fleetman/contract';

/** A minimal SSE reader over fetch for tests (parsing: the contract's): collects events. */
export type SseEvent = ParsedSseEvent;

export interface SseReader {
  events: SseEvent[];
  /** Resolves once `predicate` holds for the events received so far (or rejects after timeoutMs). */
  until(predicate: (events: SseEvent[]) => boolean, timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
  status: number;
}

export async function readSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseReader> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  void (async () => {
    try {
      for await (const event of readSseEvents(response.body!)) {
        events.push(event);
        for (const wake of waiters) wake();
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    status: response.status,
    close: () => controller.abort(),
    until(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(events)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(events);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`SSE condition not met within ${timeoutMs} ms; got ${events.length} events`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
