// Great-circle distance: the contract's haversine, the one the simulator drives by.
export { distanceM as distanceMetres, type LatLng } from '@fleetman/contract';

export function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Interpolates headings the short way round (350° → 10° passes through 0°, not 180°). */
export function lerpAngle(fromDeg: number, toDeg: number, t: number): number {
  const delta = ((((toDeg - fromDeg) % 360) + 540) % 360) - 180;
  return (((fromDeg + delta * t) % 360) + 360) % 360;
}
