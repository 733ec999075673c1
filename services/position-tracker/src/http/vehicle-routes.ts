import Router from '@koa/router';
import { STREAM_EVENTS } from '@fleetman/contract';
import { AppError, type Gauge } from '@fleetman/service-kit';
import type { PositionStore } from '../data/position-store.js';
import { toView, type VehicleState } from '../domain/vehicle-state.js';
import type { LiveFeed } from '../live/live-feed.js';
import { toGeoJson, toGpx } from './history-formats.js';
import { historyQuery } from './history-query.js';
import { openStreamClient } from './stream-client.js';

export interface VehicleRoutesDeps {
  vehicles: ReadonlyMap<string, VehicleState>;
  store: PositionStore;
  feed: LiveFeed;
  sseClients: Gauge;
  heartbeatMs?: number;
}

declare module 'koa' {
  interface DefaultState {
    vehicle?: VehicleState;
  }
}

export function vehicleRoutes({
  vehicles,
  store,
  feed,
  sseClients,
  heartbeatMs,
}: VehicleRoutesDeps): Router {
  const router = new Router();

  // "Unknown vehicle" is decided here once for every /vehicles/:id route.
  router.param('id', async (id, ctx, next) => {
    const vehicle = vehicles.get(id);
    if (!vehicle) throw new AppError(404, 'vehicle_not_found', `No vehicle "${id}"`);
    ctx.state.vehicle = vehicle;
    return next();
  });

  router.get('/vehicles', (ctx) => {
    ctx.body = [...vehicles.values()]
      .map((state) => toView(state))
      .sort((a, b) => a.id.localeCompare(b.id));
  });

  router.get('/vehicles/:id', (ctx) => {
    ctx.body = toView(ctx.state.vehicle as VehicleState);
  });

  router.get('/vehicles/:id/history', async (ctx) => {
    const { id, name } = ctx.state.vehicle as VehicleState;
    const { format, ...query } = historyQuery(ctx.state.query ?? {});
    const records = await store.history(id, query);
    // A trail or a replayable track has no use for glitch jumps; the points list keeps them, flagged.
    const track = () => records.filter((record) => !record.flags?.includes('jump'));
    if (format === 'gpx') {
      ctx.type = 'application/gpx+xml';
      ctx.attachment(`${id}.gpx`);
      ctx.body = toGpx(id, name, track());
    } else if (format === 'geojson') {
      ctx.type = 'application/geo+json';
      ctx.body = toGeoJson(id, name, track());
    } else {
      ctx.body = records.map(({ lat, lng, time, speed, heading, accuracy, flags }) => ({
        lat,
        lng,
        time,
        speed,
        heading,
        accuracy,
        ...(flags?.length ? { flags } : {}),
      }));
    }
  });

  /**
   * Live positions and status changes. A client resuming with Last-Event-ID gets what it missed from the ring; a new
   * client, or one whose gap the ring no longer covers, first gets the latest state of every vehicle.
   */
  router.get('/stream', (ctx) => {
    const lastId =
      ctx.get('last-event-id') ||
      (typeof ctx.query.lastEventId === 'string' ? ctx.query.lastEventId : '');
    const missed = /^\d+$/.test(lastId) ? feed.since(Number(lastId)) : undefined;
    let unsubscribe = () => {};
    const stream = openStreamClient(ctx, {
      heartbeatMs,
      onClose: () => {
        unsubscribe();
        sseClients.dec();
      },
    });
    sseClients.inc();
    if (missed) {
      for (const event of missed) stream.send(event.seq, event.event, event.data);
    } else {
      const snapshotId = feed.lastSeq;
      // Each vehicle's current state, offline included: a reload shows a dead vehicle as such.
      for (const state of vehicles.values())
        stream.send(undefined, STREAM_EVENTS.position, JSON.stringify(toView(state)));
      // The id after the snapshot lets the client resume from here even before a live event arrives.
      stream.send(
        snapshotId,
        STREAM_EVENTS.snapshotEnd,
        JSON.stringify({ seq: snapshotId, vehicles: vehicles.size }),
      );
    }
    unsubscribe = feed.subscribe((event) => {
      stream.send(event.seq, event.event, event.data);
    });
  });

  return router;
}
