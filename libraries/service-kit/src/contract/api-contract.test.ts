import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadApiContract } from './api-contract.js';

const contract = loadApiContract();
const history = (query: Record<string, string | string[]>) =>
  contract.checkRequest(contract.match('GET', '/vehicles/v1/history')!, { query, headers: {} });

const vehicle = {
  id: 'v1',
  name: 'Van 1',
  lat: 57.7,
  lng: 11.97,
  time: '2026-01-01T12:00:00.000Z',
  speed: 3.2,
  heading: 90,
  status: 'moving',
  statusSince: '2026-01-01T11:58:00.000Z',
  lastSeen: '2026-01-01T12:00:00.100Z',
};

describe('ApiContract: operations', () => {
  it('finds the operation of a method and path, most specific template first', () => {
    assert.equal(contract.match('GET', '/vehicles')?.operation.operationId, 'listVehicles');
    assert.deepEqual(contract.match('GET', '/vehicles/a%20b/history?limit=1')?.pathParams, {
      id: 'a%20b',
    });
    assert.equal(contract.match('HEAD', '/vehicles/v1')?.operation.operationId, 'getVehicle');
    assert.equal(contract.match('POST', '/vehicles'), undefined);
    assert.equal(contract.match('GET', '/nothing'), undefined);
  });

  it('lists each operation with its router path and upstream', () => {
    const history = contract.operations.find((o) => o.operationId === 'getVehicleHistory');
    assert.equal(history?.routerPath, '/vehicles/:id/history');
    assert.equal(history?.upstream, 'tracker');
  });

  it('reads x-access: read by default, write and admin where the document says so', () => {
    const access = Object.fromEntries(contract.operations.map((o) => [o.operationId, o.access]));
    assert.equal(access.listVehicles, 'read');
    assert.equal(access.openStream, 'read');
    assert.equal(access.registerDevice, 'write');
    assert.equal(access.rotateDeviceSecret, 'write');
    assert.equal(access.revokeDevice, 'write');
    assert.equal(access.listDevices, 'admin');
    assert.equal(access.getDevice, 'admin');
    const devices = contract.operations.filter((o) => o.path.startsWith('/devices'));
    assert.ok(devices.every((o) => o.upstream === 'device-ingest' && o.access !== 'read'));
  });
});

describe('ApiContract: requests (the one definition of request validation)', () => {
  it('types the query and fills the defaults', () => {
    assert.deepEqual(history({}), {
      query: { limit: 1000, format: 'json' },
      params: { id: 'v1' },
    });
    assert.deepEqual(
      history({ from: '2024-05-01T08:00:00Z', to: '1714550400000', limit: '500', format: 'gpx' })
        .query,
      { from: '2024-05-01T08:00:00Z', to: '1714550400000', limit: 500, format: 'gpx' },
    );
    assert.equal(history({ to: '2024-05-01T11:30:00.000+02:00', unknown: 'x' }).problem, undefined);
  });

  for (const [query, pattern] of [
    [{ limit: '0' }, /"limit" must be >= 1/],
    [{ limit: '10001' }, /"limit" must be <= 10000/],
    [{ limit: '1.5' }, /"limit" must be integer/],
    [{ limit: 'ten' }, /"limit" must be integer/],
    [{ limit: '' }, /"limit" must not be empty/],
    [{ limit: ['1', '2'] }, /"limit" may be given once/],
    [{ from: 'yesterday' }, /"from" must be an RFC 3339 date-time .* or integer milliseconds/],
    [{ from: '2024-13-45T00:00:00Z' }, /"from" must be an RFC 3339/],
    [{ from: '2024-02-30T00:00:00Z' }, /"from" must be an RFC 3339/],
    [{ to: '2024-05-01T08:00:00' }, /"to" must be an RFC 3339/],
    [{ to: '2024-05-01' }, /"to" must be an RFC 3339/],
    [{ format: 'kml' }, /"format" must be one of json, geojson, gpx/],
  ] as const) {
    it(`${JSON.stringify(query)} is a 400 bad_query naming the parameter`, () => {
      const { problem } = history(query as Record<string, string | string[]>);
      assert.equal(problem?.code, 'bad_query');
      assert.match(problem?.message ?? '', pattern);
    });
  }

  it('checks path parameters too (bad_request)', () => {
    const { problem } = contract.checkRequest(contract.match('GET', '/vehicles/a%2Fb')!, {
      query: {},
      headers: {},
    });
    assert.equal(problem?.code, 'bad_request');
    assert.match(problem?.message ?? '', /path parameter "id" must be 1 to 64 letters/);
    const long = contract.checkRequest(contract.match('GET', `/vehicles/${'x'.repeat(65)}`)!, {
      query: {},
      headers: {},
    });
    assert.equal(long.problem?.code, 'bad_request');
  });
});

describe('ApiContract: responses, events and messages', () => {
  const check = (path: string, status: number, body: unknown, type = 'application/json') =>
    contract.checkResponse({ method: 'GET', path, status, contentType: type, body });

  it('accepts what the document describes', () => {
    assert.deepEqual(check('/vehicles', 200, [vehicle]), []);
    assert.deepEqual(check('/vehicles/v1', 404, { error: 'vehicle_not_found', message: 'no' }), []);
    assert.deepEqual(check('/vehicles/v1/history', 200, '<gpx/>', 'application/gpx+xml'), []);
    assert.deepEqual(check('/nothing', 404, { error: 'not_found', message: 'No route' }), []);
  });

  it('reports a missing field, a wrong type, an undocumented status or content type', () => {
    const { status: _status, ...noStatus } = vehicle;
    assert.match(check('/vehicles/v1', 200, noStatus).join(), /required property 'status'/);
    assert.match(
      check('/vehicles/v1', 200, { ...vehicle, lat: '57.7' }).join(),
      /lat must be number/,
    );
    assert.match(
      check('/vehicles/v1', 200, { ...vehicle, status: 'lost' }).join(),
      /allowed values/,
    );
    assert.match(check('/vehicles/v1', 418, {}).join(), /status 418 is not documented/);
    assert.match(check('/vehicles/v1', 200, 'x', 'text/html').join(), /content type "text\/html"/);
    assert.match(check('/nothing', 200, {}).join(), /not in openapi.yaml/);
  });

  it('checks stream events and queue messages against asyncapi.yaml', () => {
    assert.deepEqual(
      contract.checkSchema('asyncapi', 'PositionEventData', { ...vehicle, seq: 7 }),
      [],
    );
    assert.match(
      contract.checkSchema('asyncapi', 'PositionEventData', { ...vehicle, seq: -1 }).join(),
      /seq must be >= 0/,
    );
    assert.deepEqual(
      contract.checkSchema('asyncapi', 'SnapshotEndData', { seq: null, vehicles: 0 }),
      [],
    );
    assert.notDeepEqual(
      contract.checkSchema('asyncapi', 'PositionMessage', { vehicle: 'v1', lat: 1, lng: 2 }),
      [],
    );
  });
});
