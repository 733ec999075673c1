import { parseVehicle, type HistoryPoint, type Vehicle } from '../domain/vehicle.js';

/** An API answer in the `{ error, message }` shape (or a network failure). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function request(url: string, accept: string, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept }, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'network', (error as Error).message);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
    throw new ApiError(
      response.status,
      body.error ?? 'http',
      body.message ?? `HTTP ${response.status}`,
    );
  }
  return response;
}

async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  return (await request(url, 'application/json', signal)).json();
}

export interface HistoryRange {
  from: Date;
  to: Date;
  limit?: number;
}

/** The REST half of the API (the live half is PositionStreamController). */
export class FleetApi {
  constructor(readonly base: string) {}

  get streamUrl(): string {
    return `${this.base}/stream`;
  }

  async vehicles(): Promise<Vehicle[]> {
    const body = await getJson(`${this.base}/vehicles`);
    return Array.isArray(body) ? body.flatMap((v) => parseVehicle(v) ?? []) : [];
  }

  async history(id: string, range: HistoryRange, signal?: AbortSignal): Promise<HistoryPoint[]> {
    const body = await getJson(this.historyUrl(id, range), signal);
    if (!Array.isArray(body)) throw new ApiError(200, 'format', 'History is not a list');
    return (
      body
        .filter(
          (p): p is HistoryPoint =>
            typeof p?.lat === 'number' && typeof p?.lng === 'number' && typeof p?.time === 'string',
        )
        // A glitch jump (kept in history, flagged by the tracker) would draw a spike and add
        // kilometres to a trip: the map never uses it.
        .filter((p) => !(Array.isArray(p.flags) && p.flags.includes('jump')))
        .map((p) => ({ ...p, speed: p.speed ?? 0, heading: p.heading ?? 0 }))
    );
  }

  /** The range as a GPX file; a 4xx/5xx answer throws its message instead of being saved. */
  async historyGpx(id: string, range: HistoryRange, signal?: AbortSignal): Promise<Blob> {
    return (await request(this.historyUrl(id, range, 'gpx'), 'application/gpx+xml', signal)).blob();
  }

  historyUrl(id: string, { from, to, limit }: HistoryRange, format?: 'gpx'): string {
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    if (limit) query.set('limit', String(limit));
    if (format) query.set('format', format);
    return `${this.base}/vehicles/${encodeURIComponent(id)}/history?${query}`;
  }
}
