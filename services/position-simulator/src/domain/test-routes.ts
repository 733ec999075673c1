import { offsetM, type LatLng } from './geo.js';
import type { RoutePoint } from './route.js';

/** Test fixture: an L-shaped route, `legM` east then `legM` north, with a point every `stepM`. */
export function lShapedTrack(
  legM = 500,
  stepM = 50,
  origin: LatLng = { lat: 57.7, lng: 11.95 },
): RoutePoint[] {
  const points: RoutePoint[] = [];
  for (let e = 0; e <= legM; e += stepM) points.push(offsetM(origin, 0, e));
  for (let n = stepM; n <= legM; n += stepM) points.push(offsetM(origin, n, legM));
  return points;
}
