import { lerp, lerpAngle } from './geo.js';

export interface Pose {
  lat: number;
  lng: number;
  heading: number;
}

/** The longest a marker glides towards a new fix; longer gaps snap rather than crawl. */
export const MAX_GLIDE_MS = 1500;

/**
 * Where a marker is drawn between two fixes. A new fix starts a glide from wherever the
 * marker is *now* (so a newer fix cancels the unfinished glide without a jump).
 */
export class MarkerMotion {
  private from: Pose;
  private to: Pose;
  private startMs = 0;
  private durationMs = 0;

  constructor(initial: Pose) {
    this.from = { ...initial };
    this.to = { ...initial };
  }

  moveTo(target: Pose, nowMs: number, glideMs: number): void {
    this.from = this.poseAt(nowMs);
    this.to = { ...target };
    this.startMs = nowMs;
    this.durationMs = glideMs > MAX_GLIDE_MS ? 0 : Math.max(0, glideMs);
  }

  /** Jump without gliding (first sight, or after the tab was hidden). */
  snapTo(target: Pose): void {
    this.from = { ...target };
    this.to = { ...target };
    this.durationMs = 0;
  }

  isGliding(nowMs: number): boolean {
    return this.durationMs > 0 && nowMs < this.startMs + this.durationMs;
  }

  poseAt(nowMs: number): Pose {
    if (this.durationMs === 0 || nowMs >= this.startMs + this.durationMs) return { ...this.to };
    const t = Math.max(0, (nowMs - this.startMs) / this.durationMs);
    return {
      lat: lerp(this.from.lat, this.to.lat, t),
      lng: lerp(this.from.lng, this.to.lng, t),
      heading: lerpAngle(this.from.heading, this.to.heading, t),
    };
  }

  get target(): Pose {
    return this.to;
  }
}
