import type { VehicleStatus } from './vehicle.js';

/**
 * Status colours, chosen to stay distinguishable for the common colour-vision deficiencies
 * and to reach 3:1 against the light map background; the list also spells the status out.
 */
export const STATUS_COLOURS: Record<VehicleStatus, string> = {
  moving: '#1a7f37',
  idle: '#b35900',
  parked: '#1f5fbf',
  offline: '#6e7781',
};

/** Data older than this is drawn fully faded. */
export const FADE_AFTER_MS = 10 * 60_000;
/** Data younger than this is drawn fully opaque. */
export const FRESH_FOR_MS = 30_000;

/** Opacity of a marker whose data is `ageMs` old: 1 while fresh, down to 0.35 when stale. */
export function opacityForAge(ageMs: number): number {
  if (ageMs <= FRESH_FOR_MS) return 1;
  if (ageMs >= FADE_AFTER_MS) return 0.35;
  const fraction = (ageMs - FRESH_FOR_MS) / (FADE_AFTER_MS - FRESH_FOR_MS);
  return 1 - 0.65 * fraction;
}
