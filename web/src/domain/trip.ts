import { distanceMetres } from './geo.js';
import type { HistoryPoint } from './vehicle.js';

/** Below this speed a vehicle counts as standing still (GPS jitter reaches ~0.5 m/s). */
export const STILL_BELOW_MPS = 0.8;
/** A standstill at least this long is shown as a stop marker. */
export const MIN_STOP_MS = 2 * 60_000;

export interface Stop {
  lat: number;
  lng: number;
  startMs: number;
  endMs: number;
  durationMs: number;
}

export interface TripFigures {
  distanceMetres: number;
  movingMs: number;
  maxSpeed: number;
  /** Average over the moving time, in m/s (0 when it never moved). */
  averageMovingSpeed: number;
  stops: Stop[];
}

/** Trip figures for a history range (points oldest first). */
export function tripFigures(points: readonly HistoryPoint[]): TripFigures {
  let distance = 0;
  let movingMs = 0;
  let maxSpeed = 0;
  const stops: Stop[] = [];
  let stillSince: HistoryPoint | undefined;

  const closeStop = (end: HistoryPoint) => {
    if (!stillSince) return;
    const startMs = Date.parse(stillSince.time);
    const endMs = Date.parse(end.time);
    if (endMs - startMs >= MIN_STOP_MS) {
      stops.push({
        lat: stillSince.lat,
        lng: stillSince.lng,
        startMs,
        endMs,
        durationMs: endMs - startMs,
      });
    }
    stillSince = undefined;
  };

  for (let i = 0; i < points.length; i++) {
    const point = points[i]!;
    maxSpeed = Math.max(maxSpeed, point.speed);
    const previous = i > 0 ? points[i - 1]! : undefined;
    if (previous) {
      const metres = distanceMetres(previous, point);
      const ms = Date.parse(point.time) - Date.parse(previous.time);
      const segmentSpeed = ms > 0 ? metres / (ms / 1000) : 0;
      if (segmentSpeed >= STILL_BELOW_MPS) {
        distance += metres;
        movingMs += ms;
      }
    }
    if (point.speed < STILL_BELOW_MPS) {
      stillSince ??= point;
    } else {
      closeStop(point);
    }
  }
  const last = points.at(-1);
  if (last) closeStop(last);

  return {
    distanceMetres: distance,
    movingMs,
    maxSpeed,
    averageMovingSpeed: movingMs > 0 ? distance / (movingMs / 1000) : 0,
    stops,
  };
}
