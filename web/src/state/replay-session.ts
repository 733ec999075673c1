import type { Pose } from '../domain/motion.js';
import { ReplayClock, poseAtTime } from '../domain/replay-clock.js';
import { tripFigures, type TripFigures } from '../domain/trip.js';
import type { HistoryPoint } from '../domain/vehicle.js';

export interface ReplayTrack {
  id: string;
  name: string;
  points: HistoryPoint[];
  figures: TripFigures;
}

export interface ReplayPose {
  id: string;
  name: string;
  pose: Pose;
}

/** How the session drives frames; tests pass a scripted one. */
export interface FrameScheduler {
  request(callback: (wallMs: number) => void): number;
  cancel(handle: number): void;
  now(): number;
}

const browserFrames: FrameScheduler = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (handle) => cancelAnimationFrame(handle),
  now: () => performance.now(),
};

/**
 * One replay of one or many vehicles on a single clock (time-true, 1–60×). While a session
 * is loaded it owns the map: live follow stands aside until `stop()`. Subscribers hear about
 * every change, once per animation frame while playing.
 */
export class ReplaySession {
  tracks: ReplayTrack[] = [];
  clock: ReplayClock | undefined;
  positionMs = 0;
  private readonly listeners = new Set<() => void>();
  private handle: number | undefined;

  constructor(private readonly frames: FrameScheduler = browserFrames) {}

  get active(): boolean {
    return this.clock !== undefined;
  }

  get playing(): boolean {
    return this.clock?.playing ?? false;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces the replay; tracks with fewer than two fixes are left out. */
  load(tracks: { id: string; name: string; points: HistoryPoint[] }[], rate: number): boolean {
    this.halt();
    const usable = tracks.filter((t) => t.points.length >= 2);
    if (usable.length === 0) {
      this.clear();
      return false;
    }
    this.tracks = usable.map((t) => ({ ...t, figures: tripFigures(t.points) }));
    const start = Math.min(...usable.map((t) => Date.parse(t.points[0]!.time)));
    const end = Math.max(...usable.map((t) => Date.parse(t.points.at(-1)!.time)));
    this.clock = new ReplayClock(start, end);
    this.clock.setRate(rate, this.frames.now());
    this.positionMs = start;
    this.notify();
    return true;
  }

  toggle(): void {
    if (!this.clock) return;
    if (this.clock.playing) {
      this.clock.pause(this.frames.now());
      this.halt();
    } else {
      this.clock.play(this.frames.now());
      this.run();
    }
    this.notify();
  }

  seek(ms: number): void {
    if (!this.clock) return;
    const now = this.frames.now();
    this.clock.seek(ms, now);
    this.positionMs = this.clock.tick(now);
    this.notify();
  }

  setRate(rate: number): void {
    this.clock?.setRate(rate, this.frames.now());
    this.notify();
  }

  stop(): void {
    const wasActive = this.active;
    this.halt();
    this.clear();
    if (wasActive) this.notify();
  }

  /** Every replayed vehicle where it was at the clock's time. */
  poses(): ReplayPose[] {
    return this.tracks.flatMap((t) => {
      const first = Date.parse(t.points[0]!.time);
      const last = Date.parse(t.points.at(-1)!.time);
      // Outside its own history a vehicle is not shown (it had not reported, or stopped).
      if (this.positionMs < first - 60_000 || this.positionMs > last + 60_000) return [];
      const pose = poseAtTime(t.points, this.positionMs);
      return pose ? [{ id: t.id, name: t.name, pose }] : [];
    });
  }

  private run(): void {
    const loop = (wallMs: number) => {
      if (!this.clock) return;
      this.positionMs = this.clock.tick(wallMs);
      const playing = this.clock.playing;
      this.handle = playing ? this.frames.request(loop) : undefined;
      this.notify();
    };
    this.handle = this.frames.request(loop);
  }

  private halt(): void {
    if (this.handle !== undefined) this.frames.cancel(this.handle);
    this.handle = undefined;
  }

  private clear(): void {
    this.tracks = [];
    this.clock = undefined;
    this.positionMs = 0;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
