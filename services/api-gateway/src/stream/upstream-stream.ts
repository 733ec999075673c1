import http from 'node:http';
import https from 'node:https';
import { createBackoff, type Backoff, type Logger } from '@fleetman/service-kit';
import { SseParser, type ParsedSseEvent } from '@fleetman/contract';

/**
 * The gateway's single SSE connection to the tracker. It reconnects on its own, with capped
 * exponential backoff and jitter, sending the last id it saw as Last-Event-ID so the tracker
 * replays what was missed. Silence longer than `idleTimeoutMs` (the tracker sends heartbeats)
 * counts as a dead connection: half-open TCP otherwise looks healthy forever.
 */

export interface UpstreamStreamOptions {
  /** e.g. http://127.0.0.1:8081/stream */
  url: string;
  idleTimeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
  lastEventId(): number | undefined;
  onEvent(event: ParsedSseEvent, continuous: boolean): void;
  onConnected?(): void;
  onDisconnected?(): void;
  logger: Logger;
}

export class UpstreamStream {
  private request: http.ClientRequest | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private readonly backoff: Backoff;
  private stopped = true;
  private isConnected = false;
  private hasConnected = false;
  /** Bumped per attempt so late callbacks of an abandoned connection are ignored. */
  private generation = 0;

  constructor(private readonly options: UpstreamStreamOptions) {
    this.backoff = createBackoff(options.backoff);
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** True once the first connection succeeded (readiness: the gateway has seen the tracker). */
  get everConnected(): boolean {
    return this.hasConnected;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.abandon();
  }

  private open(): void {
    const generation = ++this.generation;
    const resumeFrom = this.options.lastEventId();
    const url = new URL(this.options.url);
    const headers: Record<string, string> = {
      accept: 'text/event-stream',
      'cache-control': 'no-cache',
      'x-request-id': `api-gateway-stream-${generation}`,
    };
    if (resumeFrom !== undefined) headers['last-event-id'] = String(resumeFrom);
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(url, { headers });
    this.request = request;
    this.armIdleTimer(generation);

    request.on('response', (response) => {
      if (generation !== this.generation) return response.resume();
      const type = response.headers['content-type'] ?? '';
      if (response.statusCode !== 200 || !type.startsWith('text/event-stream')) {
        response.resume();
        return this.lost(generation, `tracker answered ${response.statusCode} ${type}`);
      }
      this.isConnected = true;
      this.hasConnected = true;
      this.attempt = 0;
      this.backoff.reset();
      this.options.logger.info({ lastEventId: resumeFrom }, 'tracker stream connected');
      this.options.onConnected?.();
      // Replayed or live, every event on a connection that sent our Last-Event-ID follows on.
      let continuous = resumeFrom !== undefined;
      const parser = new SseParser({
        onEvent: (event) => {
          this.options.onEvent(event, continuous);
          continuous = true;
        },
      });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        this.armIdleTimer(generation);
        parser.push(chunk);
      });
      response.on('end', () => this.lost(generation, 'tracker ended the stream'));
      response.on('error', (err) => this.lost(generation, err.message));
      response.on('close', () => this.lost(generation, 'connection closed'));
    });
    request.on('error', (err) => this.lost(generation, err.message));
  }

  private armIdleTimer(generation: number): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () => this.lost(generation, `no data for ${this.options.idleTimeoutMs} ms`),
      this.options.idleTimeoutMs,
    );
    this.idleTimer.unref();
  }

  private lost(generation: number, reason: string): void {
    if (generation !== this.generation || this.stopped) return;
    const wasConnected = this.isConnected;
    this.abandon();
    if (wasConnected) this.options.onDisconnected?.();
    const delay = this.nextDelay();
    const log = this.attempt <= 2 ? 'warn' : 'debug'; // one outage, not one line per retry
    this.options.logger[log]({ reason, retryInMs: delay }, 'tracker stream lost, reconnecting');
    this.retryTimer = setTimeout(() => this.open(), delay);
    this.retryTimer.unref();
  }

  private abandon(): void {
    this.generation += 1;
    this.isConnected = false;
    clearTimeout(this.idleTimer);
    this.request?.destroy();
    this.request = undefined;
  }

  private nextDelay(): number {
    this.attempt += 1;
    return this.backoff.next();
  }
}
