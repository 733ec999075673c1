import { VEHICLE_STATUSES, type VehicleStatus } from '../domain/vehicle.js';
import type { VehicleSort } from '../domain/vehicle-query.js';
import { MAX_RATE, MIN_RATE } from '../domain/replay-clock.js';

export type ReplayScope = 'vehicle' | 'fleet';

export interface MapViewState {
  lat: number;
  lng: number;
  zoom: number;
}

/** A replay the user asked for: the range, the rate, and whom. */
export interface ReplayRequest {
  fromMs: number;
  toMs: number;
  rate: number;
  scope: ReplayScope;
}

/** What the dispatcher is looking at: all of it lives in the URL (deep links). */
export interface ViewState {
  selectedId: string | undefined;
  /** The map keeps the selected vehicle (or the replay) in view. */
  follow: boolean;
  search: string;
  statuses: readonly VehicleStatus[];
  sort: VehicleSort;
  /** Undefined until the user (or a link) sets a view: the map fits the fleet. */
  map: MapViewState | undefined;
  /** The loaded replay, if any. */
  replay: ReplayRequest | undefined;
}

export const DEFAULT_VIEW: ViewState = {
  selectedId: undefined,
  follow: true,
  search: '',
  statuses: VEHICLE_STATUSES,
  sort: 'name',
  map: undefined,
  replay: undefined,
};

const SORTS: readonly VehicleSort[] = ['name', 'speed', 'lastSeen'];

/** ViewState → query string; defaults are left out so plain links stay short. */
export function encodeView(view: ViewState): string {
  const q = new URLSearchParams();
  if (view.selectedId) q.set('v', view.selectedId);
  if (!view.follow) q.set('follow', '0');
  if (view.search) q.set('q', view.search);
  if (view.statuses.length !== VEHICLE_STATUSES.length) q.set('status', view.statuses.join(','));
  if (view.sort !== 'name') q.set('sort', view.sort);
  if (view.map) {
    const { lat, lng, zoom } = view.map;
    q.set('map', `${lat.toFixed(5)},${lng.toFixed(5)},${zoom}`);
  }
  if (view.replay) {
    const r = view.replay;
    q.set('from', new Date(r.fromMs).toISOString());
    q.set('to', new Date(r.toMs).toISOString());
    q.set('rate', String(r.rate));
    if (r.scope === 'fleet') q.set('replay', 'fleet');
  }
  return q.toString();
}

/** Query string → ViewState; anything malformed falls back to its default. */
export function decodeView(search: string): ViewState {
  const q = new URLSearchParams(search);
  const view: ViewState = { ...DEFAULT_VIEW };
  const id = q.get('v');
  if (id) view.selectedId = id;
  if (q.get('follow') === '0') view.follow = false;
  view.search = q.get('q') ?? '';
  const statuses = q.get('status');
  if (statuses !== null) {
    view.statuses = VEHICLE_STATUSES.filter((s) => statuses.split(',').includes(s));
  }
  const sort = q.get('sort') as VehicleSort | null;
  if (sort && SORTS.includes(sort)) view.sort = sort;
  const map = q.get('map')?.split(',').map(Number);
  if (
    map?.length === 3 &&
    map.every(Number.isFinite) &&
    Math.abs(map[0]!) <= 90 &&
    Math.abs(map[1]!) <= 180 &&
    map[2]! >= 0 &&
    map[2]! <= 22
  ) {
    view.map = { lat: map[0]!, lng: map[1]!, zoom: map[2]! };
  }
  const fromMs = Date.parse(q.get('from') ?? '');
  const toMs = Date.parse(q.get('to') ?? '');
  if (Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs < toMs) {
    const rate = Number(q.get('rate'));
    view.replay = {
      fromMs,
      toMs,
      rate: Number.isFinite(rate) ? Math.min(MAX_RATE, Math.max(MIN_RATE, rate)) : 10,
      scope: q.get('replay') === 'fleet' ? 'fleet' : 'vehicle',
    };
  }
  return view;
}

/** Changes worth a history entry (Back undoes them); the rest replace the current entry. */
export function isNavigation(previous: ViewState, next: ViewState): boolean {
  return (
    previous.selectedId !== next.selectedId ||
    (previous.replay === undefined) !== (next.replay === undefined) ||
    previous.replay?.fromMs !== next.replay?.fromMs ||
    previous.replay?.toMs !== next.replay?.toMs ||
    previous.replay?.scope !== next.replay?.scope
  );
}
