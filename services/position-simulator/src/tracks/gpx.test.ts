import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGpx, GpxError, parseGpx } from './gpx.js';

const gpx = (body: string) =>
  `<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">${body}</gpx>`;

describe('parseGpx', () => {
  it('reads lat/lon in either attribute order and quote style, with ele and time', () => {
    const track = parseGpx(
      gpx(`<trk><name>Harbour &amp; back</name><trkseg>
        <trkpt lat="57.7" lon="11.9"><ele>12.5</ele><time>2024-01-01T08:00:00Z</time></trkpt>
        <trkpt lon='11.95' lat='57.71'/>
        <trkpt
           lat="-33.5" lon="-70.25" ><time>2024-01-01T08:00:10.500Z</time></trkpt>
      </trkseg></trk>`),
      'tracks/a.gpx',
    );
    assert.equal(track.name, 'Harbour & back');
    assert.deepEqual(track.points, [
      { lat: 57.7, lng: 11.9, ele: 12.5, time: new Date('2024-01-01T08:00:00Z') },
      { lat: 57.71, lng: 11.95 },
      { lat: -33.5, lng: -70.25, time: new Date('2024-01-01T08:00:10.500Z') },
    ]);
  });

  it('joins several segments in document order and names the track after the file by default', () => {
    const track = parseGpx(
      gpx(`<trk><trkseg><trkpt lat="1" lon="2"></trkpt></trkseg>
           <trkseg><trkpt lat="3" lon="4"></trkpt></trkseg></trk>`),
      '/data/tracks/depot-loop.GPX',
    );
    assert.equal(track.name, 'depot-loop');
    assert.deepEqual(
      track.points.map((p) => [p.lat, p.lng]),
      [
        [1, 2],
        [3, 4],
      ],
    );
  });

  const malformed: Array<[string, string, RegExp]> = [
    ['not GPX', '<kml><Placemark/></kml>', /bad\.gpx: not a GPX document/],
    ['no points', gpx('<trk><trkseg></trkseg></trk>'), /bad\.gpx: .*at least 2 .*found 0/],
    ['one point', gpx('<trk><trkseg><trkpt lat="1" lon="2"/></trkseg></trk>'), /found 1/],
    ['missing lon', gpx('<trkpt lat="1"/><trkpt lat="1" lon="2"/>'), /trkpt #1: missing lon/],
    [
      'lat not a number',
      gpx('<trkpt lat="1" lon="2"/><trkpt lat="north" lon="2"/>'),
      /trkpt #2: lat="north"/,
    ],
    [
      'lat out of range',
      gpx('<trkpt lat="91" lon="2"/><trkpt lat="1" lon="2"/>'),
      /lat="91" is not a number in ±90/,
    ],
    ['empty lon', gpx('<trkpt lat="1" lon=""/><trkpt lat="1" lon="2"/>'), /lon=""/],
    [
      'bad time',
      gpx('<trkpt lat="1" lon="2"><time>yesterday</time></trkpt><trkpt lat="1" lon="2"/>'),
      /<time> "yesterday"/,
    ],
    [
      'bad ele',
      gpx('<trkpt lat="1" lon="2"><ele>high</ele></trkpt><trkpt lat="1" lon="2"/>'),
      /<ele> "high"/,
    ],
    [
      'unclosed trkpt',
      gpx('<trkpt lat="1" lon="2"/><trkpt lat="1" lon="2">'),
      /malformed <trkpt> element #2/,
    ],
  ];
  for (const [label, xml, message] of malformed) {
    it(`rejects ${label} with a GpxError naming the file`, () => {
      assert.throws(
        () => parseGpx(xml, 'tracks/bad.gpx'),
        (error: unknown) =>
          error instanceof GpxError &&
          error.source === 'tracks/bad.gpx' &&
          message.test(error.message),
      );
    });
  }
});

describe('formatGpx', () => {
  it('round-trips through parseGpx with coordinates rounded to 6 decimals', () => {
    const points = [
      { lat: 57.123456789, lng: 11.987654321, time: new Date('2024-01-01T08:00:00Z') },
      { lat: 57.2, lng: 11.9, ele: 3, time: new Date('2024-01-01T08:00:01.200Z') },
    ];
    const xml = formatGpx(points, {
      name: 'Trip <1>',
      creator: 'test',
      copyrightAuthor: 'OpenStreetMap contributors',
      licenseUrl: 'https://opendatacommons.org/licenses/odbl/1-0/',
    });
    assert.match(xml, /lat="57\.123457" lon="11\.987654"/);
    assert.match(xml, /<copyright author="OpenStreetMap contributors">/);
    const track = parseGpx(xml, 'trip.gpx');
    assert.equal(track.name, 'Trip <1>');
    assert.deepEqual(track.points, [
      { lat: 57.123457, lng: 11.987654, time: new Date('2024-01-01T08:00:00Z') },
      { lat: 57.2, lng: 11.9, ele: 3, time: new Date('2024-01-01T08:00:01.200Z') },
    ]);
  });
});
