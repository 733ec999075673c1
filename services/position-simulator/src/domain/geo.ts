/** Spherical-earth helpers; at city scale their error (< 0.5 %) is far below GPS noise. */
import { EARTH_RADIUS_M, type LatLng } from '@fleetman/contract';

// The distance is the contract's, so the web app's trip figures measure what the simulator drove.
export { distanceM, EARTH_RADIUS_M, type LatLng } from '@fleetman/contract';

const RAD = Math.PI / 180;

/** Initial bearing from a to b, degrees clockwise from north in [0, 360). */
export function bearingDeg(a: LatLng, b: LatLng): number {
  const φ1 = a.lat * RAD;
  const φ2 = b.lat * RAD;
  const Δλ = (b.lng - a.lng) * RAD;
  const y = Math.sin(Δλ) * Math.cos(φ2);
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(Δλ);
  return (Math.atan2(y, x) / RAD + 360) % 360;
}

/** Absolute difference between two headings, in [0, 180]. */
export function headingChangeDeg(from: number, to: number): number {
  const d = Math.abs(to - from) % 360;
  return d > 180 ? 360 - d : d;
}

/** Linear interpolation; fine for segments of a few hundred metres. */
export function interpolate(a: LatLng, b: LatLng, fraction: number): LatLng {
  return { lat: a.lat + (b.lat - a.lat) * fraction, lng: a.lng + (b.lng - a.lng) * fraction };
}

/** Moves a point by metres north and east (small offsets only: GPS noise). */
export function offsetM(p: LatLng, northM: number, eastM: number): LatLng {
  return {
    lat: p.lat + northM / EARTH_RADIUS_M / RAD,
    lng: p.lng + eastM / (EARTH_RADIUS_M * Math.cos(p.lat * RAD)) / RAD,
  };
}

export const kmhToMs = (kmh: number): number => kmh / 3.6;
export const msToKmh = (ms: number): number => ms * 3.6;
