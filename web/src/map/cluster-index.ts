import Supercluster, { type PointFeature } from 'supercluster';
import type { VehicleStatus } from '../domain/vehicle.js';

/** Below this zoom vehicles are grouped; from it on every vehicle is drawn. */
export const CLUSTER_BELOW_ZOOM = 14;
/** The index is rebuilt at most this often (fixes arrive at ~1 Hz anyway). */
const REBUILD_EVERY_MS = 1000;

export type StatusCounts = Record<VehicleStatus, number>;

interface PointProps {
  id: string;
  status: VehicleStatus;
}

export type ClusterItem =
  | { kind: 'vehicle'; id: string }
  | {
      kind: 'cluster';
      lat: number;
      lng: number;
      count: number;
      counts: StatusCounts;
      clusterId: number;
    };

export interface IndexedPoint {
  id: string;
  lat: number;
  lng: number;
  status: VehicleStatus;
}

/**
 * Groups nearby vehicles at low zoom (supercluster), keeping a count per status in each
 * group so a cluster can show how many are moving, idle, parked or offline.
 */
export class ClusterIndex {
  private index: Supercluster<PointProps, StatusCounts> | undefined;
  private builtAt = -Infinity;
  private dirty = true;

  markDirty(): void {
    this.dirty = true;
  }

  /** Rebuilds from `points()` if positions changed and the last build is old enough. */
  ensure(nowMs: number, points: () => Iterable<IndexedPoint>): void {
    if (this.index && (!this.dirty || nowMs - this.builtAt < REBUILD_EVERY_MS)) return;
    const features: PointFeature<PointProps>[] = [];
    for (const p of points()) {
      features.push({
        type: 'Feature',
        properties: { id: p.id, status: p.status },
        geometry: { type: 'Point', coordinates: [p.lng, p.lat] },
      });
    }
    this.index = new Supercluster<PointProps, StatusCounts>({
      radius: 44,
      minPoints: 3,
      maxZoom: CLUSTER_BELOW_ZOOM - 1,
      map: (props) => ({
        moving: props.status === 'moving' ? 1 : 0,
        idle: props.status === 'idle' ? 1 : 0,
        parked: props.status === 'parked' ? 1 : 0,
        offline: props.status === 'offline' ? 1 : 0,
      }),
      reduce: (acc, props) => {
        acc.moving += props.moving;
        acc.idle += props.idle;
        acc.parked += props.parked;
        acc.offline += props.offline;
      },
    }).load(features);
    this.builtAt = nowMs;
    this.dirty = false;
  }

  items(west: number, south: number, east: number, north: number, zoom: number): ClusterItem[] {
    if (!this.index) return [];
    return this.index.getClusters([west, south, east, north], Math.floor(zoom)).map((f) => {
      const props = f.properties;
      if ('cluster' in props && props.cluster) {
        const [lng, lat] = f.geometry.coordinates as [number, number];
        return {
          kind: 'cluster',
          lat,
          lng,
          count: props.point_count,
          counts: {
            moving: props.moving,
            idle: props.idle,
            parked: props.parked,
            offline: props.offline,
          },
          clusterId: props.cluster_id,
        };
      }
      return { kind: 'vehicle', id: (props as PointProps).id };
    });
  }

  expansionZoom(clusterId: number): number {
    return this.index?.getClusterExpansionZoom(clusterId) ?? CLUSTER_BELOW_ZOOM;
  }
}
