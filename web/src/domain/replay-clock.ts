import { lerp, lerpAngle } from './geo.js';
import type { Pose } from './motion.js';
import type { HistoryPoint } from './vehicle.js';

export const MIN_RATE = 1;
export const MAX_RATE = 60;

/**
 * Time-true playback over [startMs, endMs]: at rate r, one wall-clock second advances the
 * replay by r seconds. Wall time is passed in, so it is testable and frame-driven.
 */
export class ReplayClock {
  private positionMs: number;
  private anchorWallMs = 0;
  private anchorPositionMs = 0;
  private _rate = 10;
  private _playing = false;

  constructor(
    readonly startMs: number,
    readonly endMs: number,
  ) {
    this.positionMs = startMs;
  }

  get playing(): boolean {
    return this._playing;
  }

  get rate(): number {
    return this._rate;
  }

  get ended(): boolean {
    return this.positionMs >= this.endMs;
  }

  setRate(rate: number, wallMs: number): void {
    const now = this.tick(wallMs);
    this._rate = Math.min(MAX_RATE, Math.max(MIN_RATE, rate));
    this.anchor(now, wallMs);
  }

  play(wallMs: number): void {
    if (this.ended) this.positionMs = this.startMs;
    this._playing = true;
    this.anchor(this.positionMs, wallMs);
  }

  pause(wallMs: number): void {
    this.tick(wallMs);
    this._playing = false;
  }

  seek(positionMs: number, wallMs: number): void {
    this.positionMs = Math.min(this.endMs, Math.max(this.startMs, positionMs));
    this.anchor(this.positionMs, wallMs);
  }

  /** Advances to wall time `wallMs` and returns the replay position; stops at the end. */
  tick(wallMs: number): number {
    if (this._playing) {
      this.positionMs = this.anchorPositionMs + (wallMs - this.anchorWallMs) * this._rate;
      if (this.positionMs >= this.endMs) {
        this.positionMs = this.endMs;
        this._playing = false;
      }
    }
    return this.positionMs;
  }

  private anchor(positionMs: number, wallMs: number): void {
    this.anchorPositionMs = positionMs;
    this.anchorWallMs = wallMs;
  }
}

/** The interpolated pose at time `ms` along a history (oldest first); undefined if empty. */
export function poseAtTime(points: readonly HistoryPoint[], ms: number): Pose | undefined {
  if (points.length === 0) return undefined;
  let low = 0;
  let high = points.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (Date.parse(points[mid]!.time) <= ms) low = mid;
    else high = mid - 1;
  }
  const before = points[low]!;
  const after = points[low + 1];
  const beforeMs = Date.parse(before.time);
  if (!after || ms <= beforeMs)
    return { lat: before.lat, lng: before.lng, heading: before.heading };
  const t = (ms - beforeMs) / (Date.parse(after.time) - beforeMs);
  return {
    lat: lerp(before.lat, after.lat, t),
    lng: lerp(before.lng, after.lng, t),
    heading: lerpAngle(before.heading, after.heading, t),
  };
}
