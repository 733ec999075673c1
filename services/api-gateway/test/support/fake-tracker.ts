import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small real HTTP server standing in for the position tracker: its REST routes, and an SSE
 * /stream speaking the tracker's protocol (sequence ids, Last-Event-ID replay, id-less snapshot
 * closed by `snapshot-end`). Tests drive it (emit, hang, restart) and inspect what it received.
 */

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

interface TrackerEvent {
  seq: number;
  vehicle: string;
  data: string;
}

export class FakeTracker {
  readonly requests: SeenRequest[] = [];
  /** Last-Event-ID header of every /stream connection, '' when absent. */
  readonly streamConnects: string[] = [];
  /** When true, REST requests are accepted and never answered. */
  hang = false;
  /** Chunks of the last history response written so far. */
  historyChunksSent = 0;
  /** Sends the rest of the last history response. */
  releaseHistory: () => void = () => {};
  private readonly events: TrackerEvent[] = [];
  private readonly streams = new Set<http.ServerResponse>();
  private server: http.Server | undefined;
  private nextSeq = 1_000_000;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get openStreams(): number {
    return this.streams.size;
  }

  async start(port = this.port): Promise<this> {
    const server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Closes the port and every connection, as a crashed or restarting tracker would. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Publishes a position for `vehicle` to every open stream; returns its sequence number. */
  emit(vehicle: string, extra: Record<string, unknown> = {}): number {
    const seq = this.nextSeq++;
    const time = new Date().toISOString();
    // A whole vehicle view, as the tracker sends it (the tests check events against the contract).
    const data = JSON.stringify({
      id: vehicle,
      name: `Vehicle ${vehicle}`,
      lat: 51.5,
      lng: -0.1,
      time,
      speed: 0,
      heading: 0,
      status: 'idle',
      statusSince: time,
      lastSeen: time,
      seq,
      ...extra,
    });
    const event = { seq, vehicle, data };
    this.events.push(event);
    for (const stream of this.streams) stream.write(frame(event));
    return seq;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://tracker');
    if (url.pathname === '/stream') return this.openStream(req, res);
    if (this.hang) return; // accept, never answer
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    const history = /^\/vehicles\/([^/]+)\/history$/.exec(url.pathname);
    if (history) return this.streamHistory(res, Number(url.searchParams.get('chunks') ?? '3'));
    const one = /^\/vehicles\/([^/]+)$/.exec(url.pathname);
    if (url.pathname === '/vehicles')
      return json(
        200,
        [...this.latest().values()].map((e) => JSON.parse(e.data)),
      );
    if (one) {
      const found = this.latest().get(decodeURIComponent(one[1] ?? ''));
      if (found) return json(200, JSON.parse(found.data));
      return json(404, { error: 'vehicle_not_found', message: `No vehicle "${one[1]}"` });
    }
    json(404, { error: 'not_found', message: 'no route' });
  }

  /** A GPX body in chunks: the first at once, the others only once the test calls releaseHistory(). */
  private streamHistory(res: http.ServerResponse, chunks: number): void {
    res.writeHead(200, {
      'content-type': 'application/gpx+xml',
      'content-disposition': 'attachment; filename="v1.gpx"',
    });
    res.write(`<gpx>${'<trkpt/>'.repeat(1000)}`);
    this.historyChunksSent = 1;
    this.releaseHistory = () => {
      for (; this.historyChunksSent < chunks; this.historyChunksSent++)
        res.write('<trkpt/>'.repeat(1000));
      res.end('</gpx>');
    };
  }

  private openStream(req: http.IncomingMessage, res: http.ServerResponse): void {
    const lastEventId = String(req.headers['last-event-id'] ?? '');
    this.streamConnects.push(lastEventId);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('retry: 2000\n\n');
    const after = /^\d+$/.test(lastEventId) ? Number(lastEventId) : undefined;
    const oldest = this.events[0]?.seq;
    if (
      after !== undefined &&
      (oldest === undefined || after >= oldest - 1) &&
      after < this.nextSeq
    ) {
      for (const event of this.events) if (event.seq > after) res.write(frame(event));
    } else {
      for (const event of this.latest().values())
        res.write(`event: position\ndata: ${event.data}\n\n`);
      const seq = this.nextSeq - 1;
      res.write(
        `id: ${seq}\nevent: snapshot-end\ndata: ${JSON.stringify({ seq, vehicles: this.latest().size })}\n\n`,
      );
    }
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  private latest(): Map<string, TrackerEvent> {
    const latest = new Map<string, TrackerEvent>();
    for (const event of this.events) latest.set(event.vehicle, event);
    return latest;
  }
}

function frame(event: TrackerEvent): string {
  return `id: ${event.seq}\nevent: position\ndata: ${event.data}\n\n`;
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
