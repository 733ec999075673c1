/** A minimal SSE reader over fetch for tests: collects parsed events until told to stop. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

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
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { event: 'message', data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const [field, ...rest] = line.split(':');
            const text = rest.join(':').replace(/^ /, '');
            if (field === 'id') event.id = text;
            else if (field === 'event') event.event = text;
            else if (field === 'data') data.push(text);
          }
          if (data.length === 0) continue;
          event.data = data.join('\n');
          events.push(event);
        }
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
    until(predicate, timeoutMs = 5000) {
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
