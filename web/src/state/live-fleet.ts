import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  PositionStreamController,
  type ConnectionState,
  type FrameUpdate,
  type StreamEnvironment,
} from '../controllers/position-stream-controller.js';
import type { Vehicle } from '../domain/vehicle.js';

export type FrameListener = (update: FrameUpdate) => void;

/**
 * The live fleet as the components see it: the vehicles by id, the connection state and a
 * wall clock that ticks every second whatever the stream does (so "seen 2 min ago" keeps
 * counting during an outage). Lists subscribe (at most ~1 update/s); the map takes every
 * animation frame's changes through `onFrame`.
 */
export class LiveFleet implements ReactiveController {
  private readonly stream: PositionStreamController;
  private readonly listeners = new Set<() => void>();
  private readonly frameListeners = new Set<FrameListener>();
  private ticker: ReturnType<typeof setInterval> | undefined;
  /** Bumped whenever the vehicles or the clock changed: cheap change detection for lists. */
  version = 0;
  now = Date.now();

  constructor(
    host: ReactiveControllerHost,
    url: string,
    private readonly tickMs = 1000,
    environment?: StreamEnvironment,
  ) {
    // The stream asks its "host" for an update at most once per second: that is our notify.
    const relay: ReactiveControllerHost = {
      addController: () => {},
      removeController: () => {},
      requestUpdate: () => this.notify(),
      get updateComplete() {
        return Promise.resolve(true);
      },
    };
    this.stream = new PositionStreamController(relay, {
      url,
      onFrame: (update) => {
        for (const listener of this.frameListeners) listener(update);
      },
      ...(environment ? { environment } : {}),
    });
    host.addController(this);
  }

  get vehicles(): ReadonlyMap<string, Vehicle> {
    return this.stream.vehicles;
  }

  get state(): ConnectionState {
    return this.stream.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onFrame(listener: FrameListener): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  hostConnected(): void {
    this.stream.hostConnected();
    this.ticker = setInterval(() => this.notify(), this.tickMs);
  }

  hostDisconnected(): void {
    this.stream.hostDisconnected();
    clearInterval(this.ticker);
  }

  private notify(): void {
    this.now = Date.now();
    this.version++;
    for (const listener of this.listeners) listener();
  }
}
