import http from 'node:http';
import { SseParser, type ParsedSseEvent } from '@fleetman/contract';
import { assertStreamEvent } from '@fleetman/service-kit/testing';

/** A raw-socket SSE client for tests: records events and comments; can stop reading. */
export class TestSseClient {
  readonly events: ParsedSseEvent[] = [];
  readonly comments: string[] = [];
  ended = false;
  closed = false;
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  private response: http.IncomingMessage | undefined;
  private request: http.ClientRequest | undefined;
  private readonly parser = new SseParser({
    // Every event must match asyncapi.yaml (a violation fails the running test).
    onEvent: (event) => {
      assertStreamEvent(event);
      this.events.push(event);
    },
    onComment: (text) => this.comments.push(text),
  });

  static async open(
    url: string,
    headers: Record<string, string> = {},
    options: { paused?: boolean } = {},
  ) {
    const client = new TestSseClient();
    await client.connect(url, headers, options.paused ?? false);
    return client;
  }

  positions(): ParsedSseEvent[] {
    return this.events.filter((event) => event.event === 'position');
  }

  /** Starts reading a client opened paused. */
  resume(): void {
    this.response?.on('data', (chunk: string) => this.parser.push(chunk));
    this.response?.resume();
  }

  close(): void {
    this.request?.destroy();
  }

  private connect(url: string, headers: Record<string, string>, paused: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.request = http.get(
        url,
        { headers: { accept: 'text/event-stream', ...headers } },
        (response) => {
          this.response = response;
          this.status = response.statusCode ?? 0;
          this.headers = response.headers;
          response.setEncoding('utf8');
          // A paused response reports nothing until read: watch the socket itself.
          response.socket.once('close', () => (this.closed = true));
          if (paused) response.pause();
          else response.on('data', (chunk: string) => this.parser.push(chunk));
          response.on('end', () => (this.ended = true));
          response.on('close', () => (this.closed = true));
          response.on('error', () => (this.closed = true));
          resolve();
        },
      );
      this.request.on('close', () => (this.closed = true));
      this.request.on('error', (err) => {
        this.closed = true;
        if (!this.response) reject(err);
      });
    });
  }
}
