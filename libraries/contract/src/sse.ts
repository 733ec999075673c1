/**
 * Server-Sent Events (WHATWG HTML, "Server-sent events"), both ways, in one place: the tracker
 * and the gateway write frames with these functions, the gateway's upstream connection and
 * every test reader parse them with SseParser. No Node-only code: the browser may import it.
 *
 * Wire format: one field per line, a blank line ends the event. Frames are built once per event
 * and shared by every client.
 */

export interface SseEventFields {
  id?: number | string;
  event?: string;
  data: string;
}

/** Single-line fields must not smuggle a line break, or a value could start a new field. */
function singleLine(name: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`SSE ${name} must not contain a line break`);
  return value;
}

export function formatSseEvent({ id, event, data }: SseEventFields): string {
  let frame = '';
  if (id !== undefined) frame += `id: ${singleLine('id', String(id))}\n`;
  if (event !== undefined) frame += `event: ${singleLine('event', event)}\n`;
  // Multi-line data becomes several data: lines; the client joins them back with "\n".
  for (const line of data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
  return frame + '\n';
}

/** A comment line (ignored by EventSource): heartbeats that keep proxies from timing out. */
export function formatSseComment(text: string): string {
  return `: ${singleLine('comment', text)}\n\n`;
}

export function formatSseRetry(milliseconds: number): string {
  return `retry: ${Math.max(0, Math.round(milliseconds))}\n\n`;
}

/**
 * Incremental parser, following the
 * WHATWG event-stream interpretation rules: any of CRLF/LF/CR ends a line (even split across
 * chunks), a leading BOM is dropped, ":" lines are comments, one optional space after the colon
 * is removed, an empty line dispatches, and an event with no data is not dispatched.
 */

export interface ParsedSseEvent {
  /** The id field of this very event, if it had one (the spec's inherited last id is separate). */
  id?: string;
  /** Defaults to "message" as in EventSource. */
  event: string;
  data: string;
}

export interface SseParserHandlers {
  onEvent(event: ParsedSseEvent): void;
  onComment?(text: string): void;
  onRetry?(milliseconds: number): void;
}

export class SseParser {
  private buffer = '';
  private atStreamStart = true;
  /** The previous chunk ended with CR: a LF at the start of the next chunk belongs to it. */
  private pendingCr = false;
  private data: string[] = [];
  private eventType = '';
  private eventId: string | undefined;
  /** The spec's "last event ID buffer": survives between events. */
  lastEventId = '';

  constructor(private readonly handlers: SseParserHandlers) {}

  push(chunk: string): void {
    if (this.atStreamStart) {
      if (chunk.length === 0) return;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      this.atStreamStart = false;
    }
    if (this.pendingCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.pendingCr = false;
    this.buffer += chunk;

    const lineBreak = /\r\n|\r|\n/g;
    let start = 0;
    for (let match = lineBreak.exec(this.buffer); match; match = lineBreak.exec(this.buffer)) {
      const line = this.buffer.slice(start, match.index);
      start = lineBreak.lastIndex;
      if (match[0] === '\r' && start === this.buffer.length) this.pendingCr = true;
      this.processLine(line);
    }
    this.buffer = this.buffer.slice(start);
  }

  /** At end of stream an incomplete event is discarded, as the spec says. */
  reset(): void {
    this.buffer = '';
    this.atStreamStart = true;
    this.pendingCr = false;
    this.data = [];
    this.eventType = '';
    this.eventId = undefined;
  }

  private processLine(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.handlers.onComment?.(line.slice(1).replace(/^ /, ''));
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.eventId = value;
          this.lastEventId = value;
        }
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.handlers.onRetry?.(Number(value));
        break;
      default: // unknown fields are ignored
    }
  }

  private dispatch(): void {
    const { data, eventType, eventId } = this;
    this.data = [];
    this.eventType = '';
    this.eventId = undefined;
    if (data.length === 0) return;
    const event: ParsedSseEvent = { event: eventType || 'message', data: data.join('\n') };
    if (eventId !== undefined) event.id = eventId;
    this.handlers.onEvent(event);
  }
}

/** Every event of a fetch() response body, as they arrive (ends with the stream). */
export async function* readSseEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ParsedSseEvent> {
  const events: ParsedSseEvent[] = [];
  const parser = new SseParser({ onEvent: (event) => events.push(event) });
  const decoder = new TextDecoder(); // streaming: a character split across chunks stays whole
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      parser.push(done ? decoder.decode() : decoder.decode(value, { stream: true }));
      yield* events.splice(0);
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
