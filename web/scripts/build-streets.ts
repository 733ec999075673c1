/**
 * Builds web/data/gothenburg-roads.json, the offline base map: the roads of the OpenStreetMap
 * extract the position simulator routes its tracks on (© OpenStreetMap contributors, ODbL;
 * `test/large-network.json` of geojson-path-finder@2.1.0, a devDependency of
 * services/position-simulator). Reproducible: same package version → same file.
 *
 *   node --import tsx web/scripts/build-streets.ts
 *
 * Output: ways grouped by road class, simplified (Douglas–Peucker, ~2 m), coordinates as
 * integers of 1e-5° (~1 m), each way delta-encoded: [x0, y0, dx1, dy1, …].
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection, LineString, Position } from 'geojson';

const PACKAGE = 'geojson-path-finder';
const DATASET = 'test/large-network.json';
const OUT = fileURLToPath(new URL('../data/gothenburg-roads.json', import.meta.url));
const SCALE = 1e5;
const TOLERANCE_DEG = 2e-5;

/** OSM highway class → the layer it is drawn in; footways, paths, steps… are left out. */
const LAYER_OF: Record<string, string> = {
  motorway: 'motorway',
  motorway_link: 'motorway',
  trunk: 'motorway',
  trunk_link: 'motorway',
  primary: 'major',
  primary_link: 'major',
  secondary: 'major',
  secondary_link: 'major',
  tertiary: 'street',
  tertiary_link: 'street',
  unclassified: 'street',
  residential: 'street',
  living_street: 'street',
  road: 'street',
  service: 'service',
  pedestrian: 'service',
};

// The dataset is a devDependency of the simulator workspace: resolve it from there.
const simulator = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../services/position-simulator/',
);
const require = createRequire(join(simulator, 'package.json'));
const packageJsonPath = require.resolve(`${PACKAGE}/package.json`);
const version = (JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { version: string }).version;
const network = JSON.parse(
  readFileSync(join(dirname(packageJsonPath), DATASET), 'utf8'),
) as FeatureCollection & { copyright?: string; timestamp?: string };

function simplify(points: Position[], tolerance: number): Position[] {
  if (points.length < 3) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop()!;
    const [ax, ay] = points[first]!;
    const [bx, by] = points[last]!;
    let worst = -1;
    let worstDistance = tolerance;
    for (let i = first + 1; i < last; i++) {
      const [px, py] = points[i]!;
      const dx = bx! - ax!;
      const dy = by! - ay!;
      const length = Math.hypot(dx, dy);
      const distance =
        length === 0
          ? Math.hypot(px! - ax!, py! - ay!)
          : Math.abs(dy * px! - dx * py! + bx! * ay! - by! * ax!) / length;
      if (distance > worstDistance) {
        worst = i;
        worstDistance = distance;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([first, worst], [worst, last]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

const layers: Record<string, number[][]> = {};
let west = Infinity;
let south = Infinity;
let east = -Infinity;
let north = -Infinity;
let ways = 0;
let vertices = 0;
for (const feature of network.features as Feature<LineString, { highway?: string }>[]) {
  const layer = LAYER_OF[feature.properties?.highway ?? ''];
  if (!layer || feature.geometry.type !== 'LineString') continue;
  // Longitude shrinks with latitude: simplify in roughly metric units.
  const line = simplify(
    feature.geometry.coordinates.map(([lng, lat]) => [
      lng! * Math.cos((57.7 * Math.PI) / 180),
      lat!,
    ]),
    TOLERANCE_DEG,
  ).map(([x, lat]) => [x! / Math.cos((57.7 * Math.PI) / 180), lat!]);
  const encoded: number[] = [];
  let px = 0;
  let py = 0;
  for (const [lng, lat] of line) {
    const x = Math.round(lng! * SCALE);
    const y = Math.round(lat! * SCALE);
    if (encoded.length > 0 && x === px && y === py) continue;
    encoded.push(x - px, y - py);
    px = x;
    py = y;
    west = Math.min(west, lng!);
    east = Math.max(east, lng!);
    south = Math.min(south, lat!);
    north = Math.max(north, lat!);
  }
  if (encoded.length < 4) continue;
  (layers[layer] ??= []).push(encoded);
  ways++;
  vertices += encoded.length / 2;
}

const output = {
  attribution:
    'Map data © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)',
  license: 'https://opendatacommons.org/licenses/odbl/1-0/',
  source: `${PACKAGE}@${version} ${DATASET}, OpenStreetMap export of ${network.timestamp ?? 'unknown date'}`,
  scale: SCALE,
  bbox: [west, south, east, north].map((v) => Math.round(v * SCALE) / SCALE),
  layers,
};
const json = JSON.stringify(output);
writeFileSync(OUT, `${json}\n`);
console.log(
  `${OUT}: ${ways} ways, ${vertices} vertices, ${(json.length / 1024).toFixed(0)} KiB ` +
    `(${Object.entries(layers)
      .map(([k, v]) => `${k} ${v.length}`)
      .join(', ')})`,
);
