/**
 * A small stand-in for the API (dev, component checks and the frame-time benchmark): N vehicles
 * circling around Gothenburg, 1 fix per second each, a 5-minute drive then a 3-minute halt.
 * Positions are a pure function of time, so history for any range is computed, not stored.
 * Serves web/dist at / and the API under /api (vehicles, history, SSE stream).
 */
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const DRIVE_S = 300;
const CYCLE_S = 480;
const EARTH_M_PER_DEG = 111_320;

interface Fleet {
  count: number;
  epochMs: number;
}

function vehicleAt(fleet: Fleet, index: number, ms: number) {
  const seed = Math.sin(index * 12.9898) * 43758.5453;
  const rand = (k: number) => Math.abs(Math.sin(seed * (k + 1))) % 1;
  const centre = { lat: 57.6 + rand(1) * 0.2, lng: 11.8 + rand(2) * 0.35 };
  const radius = 300 + rand(3) * 1200;
  const speed = 8 + rand(4) * 8;
  const offset = Math.floor(rand(5) * CYCLE_S);
  const t = Math.floor((ms - fleet.epochMs) / 1000) + offset + CYCLE_S * 1000;
  const within = t % CYCLE_S;
  const moved = Math.floor(t / CYCLE_S) * DRIVE_S + Math.min(within, DRIVE_S);
  const angle = rand(6) * 2 * Math.PI + (moved * speed) / radius;
  const lat = centre.lat + (radius * Math.sin(angle)) / EARTH_M_PER_DEG;
  const lng =
    centre.lng +
    (radius * Math.cos(angle)) / (EARTH_M_PER_DEG * Math.cos((centre.lat * Math.PI) / 180));
  // Moving counter-clockwise: the heading is the tangent direction.
  const heading = (((((90 - (angle * 180) / Math.PI - 90) % 360) + 360) % 360) + 360) % 360;
  const moving = within < DRIVE_S;
  const status = moving ? 'moving' : within < DRIVE_S + 60 ? 'idle' : 'parked';
  const since = ms - ((moving ? within : within - DRIVE_S) * 1000 + (ms % 1000));
  const time = new Date(Math.floor(ms / 1000) * 1000).toISOString();
  return {
    id: `v${String(index + 1).padStart(5, '0')}`,
    name: `Truck ${index + 1}`,
    lat,
    lng,
    time,
    speed: moving ? speed : 0,
    heading,
    status,
    lastSeen: time,
    statusSince: new Date(since).toISOString(),
  };
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface FakeFeed {
  url: string;
  close(): Promise<void>;
  /** Drops every open stream (like a gateway restart) without stopping the server. */
  dropStreams(): void;
}

export async function startFakeFeed(options: {
  vehicles: number;
  port?: number;
  staticDir?: string;
}): Promise<FakeFeed> {
  const fleet: Fleet = { count: options.vehicles, epochMs: Date.now() };
  const staticDir = options.staticDir ?? fileURLToPath(new URL('../dist/', import.meta.url));
  const streams = new Set<ServerResponse>();
  let sequence = 0;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const historyMatch = /^\/api\/vehicles\/([^/]+)\/history$/.exec(path);
    if (path === '/api/vehicles') {
      return json(
        res,
        200,
        Array.from({ length: fleet.count }, (_, i) => vehicleAt(fleet, i, Date.now())),
      );
    }
    if (historyMatch) {
      const index = Number(historyMatch[1]!.slice(1)) - 1;
      if (!(index >= 0 && index < fleet.count))
        return json(res, 404, { error: 'not_found', message: 'Unknown vehicle' });
      const from = Date.parse(url.searchParams.get('from') ?? '') || Date.now() - 3_600_000;
      const to = Math.min(Date.parse(url.searchParams.get('to') ?? '') || Date.now(), Date.now());
      const limit = Number(url.searchParams.get('limit') ?? 10_000);
      const points = [];
      for (let ms = Math.ceil(from / 1000) * 1000; ms <= to && points.length < limit; ms += 1000) {
        const { lat, lng, time, speed, heading } = vehicleAt(fleet, index, ms);
        points.push({ lat, lng, time, speed, heading });
      }
      return json(res, 200, points);
    }
    if (path === '/api/stream') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      res.write('retry: 500\n\n');
      const resumed = req.headers['last-event-id'] ?? url.searchParams.get('lastEventId');
      if (!resumed) {
        for (let i = 0; i < fleet.count; i++) {
          res.write(
            `event: position\nid: ${++sequence}\ndata: ${JSON.stringify(vehicleAt(fleet, i, Date.now()))}\n\n`,
          );
        }
      }
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    const file = normalize(join(staticDir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(staticDir) || !existsSync(file))
      return json(res, 404, { error: 'not_found', message: path });
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });

  // Spread each second's fixes over the second, as real fleets report out of phase.
  const slices = 10;
  let slice = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    let chunk = '';
    for (let i = slice; i < fleet.count; i += slices) {
      chunk += `event: position\nid: ${++sequence}\ndata: ${JSON.stringify(vehicleAt(fleet, i, now))}\n\n`;
    }
    slice = (slice + 1) % slices;
    for (const res of streams) res.write(chunk);
  }, 1000 / slices);

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    dropStreams: () => {
      for (const res of streams) res.destroy();
      streams.clear();
    },
    close: async () => {
      clearInterval(timer);
      for (const res of streams) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const vehicles = Number(process.env.VEHICLES ?? 500);
  const feed = await startFakeFeed({ vehicles, port: Number(process.env.PORT ?? 8090) });
  console.log(`Fake feed with ${vehicles} vehicles: ${feed.url}`);
}
