import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { parseVehicle, type Vehicle } from '../domain/vehicle.js';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

/** What the controller needs from the browser; tests pass fakes. */
export interface StreamEnvironment {
  createEventSource(url: string): EventSource;
  requestFrame(callback: () => void): void;
  isHidden(): boolean;
  onVisibilityChange(listener: () => void): () => void;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface FrameUpdate {
  changed: Vehicle[];
  /** True after a pause (hidden tab, reconnect): jump markers instead of gliding. */
  snap: boolean;
}

export interface PositionStreamOptions {
  url: string;
  /** Called once per animation frame with the vehicles that changed since the last one. */
  onFrame: (update: FrameUpdate) => void;
  /** How often the host (list, panel) re-renders at most; the map runs per frame. */
  hostUpdateIntervalMs?: number;
  environment?: StreamEnvironment;
}

const browserEnvironment = (): StreamEnvironment => ({
  createEventSource: (url) => new EventSource(url),
  requestFrame: (callback) => requestAnimationFrame(() => callback()),
  isHidden: () => document.hidden,
  onVisibilityChange: (listener) => {
    document.addEventListener('visibilitychange', listener);
    return () => document.removeEventListener('visibilitychange', listener);
  },
  setTimeout: (callback, ms) => window.setTimeout(callback, ms),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
  now: () => performance.now(),
});

const MAX_RETRY_MS = 15_000;

/**
 * Owns the EventSource on /api/stream. Positions are coalesced per vehicle (only the newest
 * fix matters) and handed over once per animation frame; nothing is drawn while the tab is
 * hidden. The browser resumes with Last-Event-ID after a network drop by itself; when the
 * EventSource gives up (e.g. a proxy answered 502 while the gateway restarted) we open a new
 * one with backoff and the server replays a snapshot.
 */
export class PositionStreamController implements ReactiveController {
  readonly vehicles = new Map<string, Vehicle>();
  state: ConnectionState = 'connecting';
  lastEventId = '';
  /** Events dropped because their data was not a valid vehicle. */
  rejected = 0;

  private readonly env: StreamEnvironment;
  private source: EventSource | undefined;
  private pending = new Map<string, Vehicle>();
  private frameScheduled = false;
  private snapNextFrame = true;
  private retryMs = 500;
  private retryHandle: unknown;
  private lastHostUpdate = -Infinity;
  private hostUpdateHandle: unknown;
  private stopVisibility: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: PositionStreamOptions,
  ) {
    this.env = options.environment ?? browserEnvironment();
    host.addController(this);
  }

  hostConnected(): void {
    this.stopVisibility = this.env.onVisibilityChange(() => this.onVisibilityChange());
    this.open();
  }

  hostDisconnected(): void {
    this.stopVisibility?.();
    this.env.clearTimeout(this.retryHandle);
    this.env.clearTimeout(this.hostUpdateHandle);
    this.source?.close();
    this.source = undefined;
  }

  private open(): void {
    const separator = this.options.url.includes('?') ? '&' : '?';
    // A fresh EventSource cannot set Last-Event-ID itself; the query parameter carries it.
    const url = this.lastEventId
      ? `${this.options.url}${separator}lastEventId=${encodeURIComponent(this.lastEventId)}`
      : this.options.url;
    const source = this.env.createEventSource(url);
    this.source = source;
    source.addEventListener('open', () => {
      this.retryMs = 500;
      this.setState('live');
    });
    source.addEventListener('position', (event) => this.onPosition(event as MessageEvent<string>));
    // `status` (went offline, came back) carries the whole state like a position: applied alike.
    source.addEventListener('status', (event) => this.onPosition(event as MessageEvent<string>));
    source.addEventListener('error', () => {
      if (source.readyState === 2 /* CLOSED */) this.scheduleReopen(source);
      this.setState('reconnecting');
    });
  }

  private scheduleReopen(failed: EventSource): void {
    if (this.source !== failed) return;
    failed.close();
    this.env.clearTimeout(this.retryHandle);
    this.retryHandle = this.env.setTimeout(() => this.open(), this.retryMs);
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
  }

  private onPosition(event: MessageEvent<string>): void {
    if (event.lastEventId) this.lastEventId = event.lastEventId;
    let vehicle: Vehicle | undefined;
    try {
      vehicle = parseVehicle(JSON.parse(event.data));
    } catch {
      vehicle = undefined;
    }
    if (!vehicle) {
      this.rejected++;
      return;
    }
    if (this.state !== 'live') this.setState('live');
    this.pending.set(vehicle.id, vehicle);
    this.scheduleFrame();
  }

  private scheduleFrame(): void {
    if (this.frameScheduled || this.env.isHidden()) return;
    this.frameScheduled = true;
    this.env.requestFrame(() => this.flush());
  }

  private onVisibilityChange(): void {
    if (this.env.isHidden()) return;
    // Markers were frozen while hidden: jump to where vehicles are now.
    this.snapNextFrame = true;
    if (this.pending.size > 0) this.scheduleFrame();
  }

  private flush(): void {
    this.frameScheduled = false;
    if (this.env.isHidden()) return;
    const changed = [...this.pending.values()];
    this.pending = new Map();
    for (const vehicle of changed) this.vehicles.set(vehicle.id, vehicle);
    const snap = this.snapNextFrame;
    this.snapNextFrame = false;
    this.options.onFrame({ changed, snap });
    this.throttledHostUpdate();
  }

  private throttledHostUpdate(): void {
    const interval = this.options.hostUpdateIntervalMs ?? 1000;
    const now = this.env.now();
    if (now - this.lastHostUpdate >= interval) {
      this.lastHostUpdate = now;
      this.host.requestUpdate();
    } else if (this.hostUpdateHandle === undefined) {
      this.hostUpdateHandle = this.env.setTimeout(
        () => {
          this.hostUpdateHandle = undefined;
          this.lastHostUpdate = this.env.now();
          this.host.requestUpdate();
        },
        interval - (now - this.lastHostUpdate),
      );
    }
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    if (state !== 'live') this.snapNextFrame = true;
    this.host.requestUpdate();
  }
}
