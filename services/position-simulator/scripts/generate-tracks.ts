/**
 * Regenerates tracks/*.gpx: car trips on real Gothenburg streets, routed over the OpenStreetMap
 * extract (© OpenStreetMap contributors, ODbL) that geojson-path-finder@2.1.0 ships as
 * test/large-network.json. Reproducible: same package version + same seed → same files.
 *
 *   node --import tsx services/position-simulator/scripts/generate-tracks.ts [--count 30] [--seed 7]
 *
 * Each point gets a <time> from a free-flow road-class speed (maxspeed tag, else the class table
 * below), so the replay knows where the road is fast or slow; it adds its own variation on top.
 */
import { readFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Feature, FeatureCollection, LineString, Position } from 'geojson';
import pathFinderModule from 'geojson-path-finder';
import { createRng } from '../src/domain/random.js';
import { distanceM } from '../src/domain/geo.js';
import { formatGpx, type TrackPoint } from '../src/tracks/gpx.js';

const PACKAGE = 'geojson-path-finder';
const DATASET = 'test/large-network.json';

/** Free-flow car speeds (km/h) by OSM highway class; motorways are left out: this is a city fleet. */
const CLASS_SPEED_KMH: Record<string, number> = {
  trunk: 70,
  trunk_link: 50,
  primary: 60,
  primary_link: 40,
  secondary: 50,
  secondary_link: 40,
  tertiary: 50,
  tertiary_link: 35,
  unclassified: 40,
  road: 40,
  residential: 30,
  living_street: 15,
};
const MIN_TRIP_M = 3_000;
const MAX_TRIP_M = 15_000;
/** Trips start and end on ordinary streets (not on a ramp or a trunk road). */
const ENDPOINT_CLASSES = new Set(['residential', 'tertiary', 'secondary', 'unclassified']);
const EPOCH = Date.parse('2024-01-01T08:00:00Z');

interface WayProps {
  highway: string;
  maxspeed?: string;
  oneway?: string;
  junction?: string;
  access?: string;
  motor_vehicle?: string;
  motorcar?: string;
  name?: string;
}

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '30' },
    seed: { type: 'string', default: '20240101' },
    out: { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), '..', 'tracks') },
  },
});
const count = Number(args.count);
const seed = Number(args.seed);

const require = createRequire(import.meta.url);
const packageJsonPath = require.resolve(`${PACKAGE}/package.json`);
const packageVersion = (JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { version: string })
  .version;
const network = JSON.parse(
  readFileSync(join(dirname(packageJsonPath), DATASET), 'utf8'),
) as FeatureCollection & { copyright?: string; timestamp?: string };

const drivable = network.features.filter(
  (f): f is Feature<LineString, WayProps> =>
    f.geometry.type === 'LineString' && isDrivable(f.properties as WayProps),
);
const roads: FeatureCollection<LineString, WayProps> = {
  type: 'FeatureCollection',
  features: drivable,
};

function isDrivable(p: WayProps): boolean {
  const closed = (v?: string) => v === 'no' || v === 'private';
  return (
    p.highway in CLASS_SPEED_KMH &&
    !closed(p.access) &&
    !closed(p.motor_vehicle) &&
    !closed(p.motorcar)
  );
}

function speedKmh(p: WayProps): number {
  const tagged = Number.parseInt(p.maxspeed ?? '', 10);
  // Free flow in town sits a little under the limit.
  return Number.isFinite(tagged) && tagged > 0 ? tagged * 0.9 : CLASS_SPEED_KMH[p.highway]!;
}

const key = (c: Position) => `${c[0]!.toFixed(7)},${c[1]!.toFixed(7)}`;
/** Speed of every directed road segment, to time the routed path afterwards. */
const segmentSpeed = new Map<string, number>();
const endpointCandidates: Position[] = [];
for (const way of drivable) {
  const coords = way.geometry.coordinates;
  const speed = speedKmh(way.properties);
  for (let i = 1; i < coords.length; i++) {
    segmentSpeed.set(`${key(coords[i - 1]!)}>${key(coords[i]!)}`, speed);
    segmentSpeed.set(`${key(coords[i]!)}>${key(coords[i - 1]!)}`, speed);
  }
  if (ENDPOINT_CLASSES.has(way.properties.highway)) endpointCandidates.push(...coords);
}

// The package's "main" is CommonJS with `exports.default`, so an ES import sees it one level down.
type PathFinderClass = (typeof import('geojson-path-finder'))['default'];
const PathFinder = ((pathFinderModule as unknown as { default?: PathFinderClass }).default ??
  pathFinderModule) as PathFinderClass;
const pathFinder = new PathFinder(roads, {
  tolerance: 1e-9,
  weight: (a: Position, b: Position, p: WayProps) => {
    const seconds =
      distanceM({ lat: a[1]!, lng: a[0]! }, { lat: b[1]!, lng: b[0]! }) / (speedKmh(p) / 3.6);
    const oneway = p.oneway === 'yes' || p.oneway === '1' || p.junction === 'roundabout';
    if (p.oneway === '-1') return { forward: 0, backward: seconds };
    return oneway ? { forward: seconds, backward: 0 } : seconds;
  },
});

const point = (c: Position): Feature<import('geojson').Point> => ({
  type: 'Feature',
  properties: {},
  geometry: { type: 'Point', coordinates: c },
});

const rng = createRng(seed);
const outDir = args.out!;
mkdirSync(outDir, { recursive: true });
for (const old of readdirSync(outDir)) if (old.endsWith('.gpx')) rmSync(join(outDir, old));

let written = 0;
let attempts = 0;
const summary: string[] = [];
while (written < count && attempts < count * 200) {
  attempts++;
  const from = endpointCandidates[rng.int(endpointCandidates.length)]!;
  const to = endpointCandidates[rng.int(endpointCandidates.length)]!;
  const crow = distanceM({ lat: from[1]!, lng: from[0]! }, { lat: to[1]!, lng: to[0]! });
  if (crow < MIN_TRIP_M * 0.7 || crow > MAX_TRIP_M * 0.7) continue;
  const path = pathFinder.findPath(point(from), point(to));
  if (!path) continue; // different islands of the network, or one-way dead ends
  const points = timePath(path.path, EPOCH + written * 3_600_000);
  const length = points.reduce((sum, p, i) => (i ? sum + distanceM(points[i - 1]!, p) : 0), 0);
  if (length < MIN_TRIP_M || length > MAX_TRIP_M) continue;
  written++;
  const id = String(written).padStart(2, '0');
  const name = `Gothenburg trip ${id}`;
  writeFileSync(
    join(outDir, `gothenburg-${id}.gpx`),
    formatGpx(points, {
      name,
      creator: `fleetman position-simulator generate-tracks (seed ${seed})`,
      description:
        `Car route over OpenStreetMap data (${network.timestamp ?? 'unknown date'}) shipped by ` +
        `${PACKAGE}@${packageVersion} ${DATASET}; times are free-flow road-class estimates.`,
      copyrightAuthor: 'OpenStreetMap contributors',
      licenseUrl: 'https://opendatacommons.org/licenses/odbl/1-0/',
    }),
  );
  const minutes = (points.at(-1)!.time!.getTime() - points[0]!.time!.getTime()) / 60_000;
  summary.push(
    `${name}: ${(length / 1000).toFixed(1)} km, ${points.length} points, ${minutes.toFixed(1)} min`,
  );
}
console.log(summary.join('\n'));
console.log(
  `${written} tracks in ${outDir} (${attempts} attempts, seed ${seed}, ${PACKAGE}@${packageVersion})`,
);
if (written < count) process.exitCode = 1;

/** Drops repeated vertices and stamps each point with the free-flow arrival time. */
function timePath(path: Position[], start: number): TrackPoint[] {
  const points: TrackPoint[] = [];
  let t = start;
  let previous: Position | undefined;
  for (const c of path) {
    if (previous) {
      const d = distanceM({ lat: previous[1]!, lng: previous[0]! }, { lat: c[1]!, lng: c[0]! });
      if (d < 0.5) continue;
      const kmh = segmentSpeed.get(`${key(previous)}>${key(c)}`) ?? 30;
      t += (d / (kmh / 3.6)) * 1000;
    }
    points.push({ lat: c[1]!, lng: c[0]!, time: new Date(Math.round(t / 100) * 100) });
    previous = c;
  }
  return points;
}
