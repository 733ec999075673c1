/**
 * A deliberately small GPX 1.1 reader/writer for track points (trkpt lat/lon, ele, time).
 * It scans the text instead of pulling in an XML library: the simulator only needs track points,
 * and every way a file can be wrong ends in a GpxError that names the file.
 */

export interface TrackPoint {
  lat: number;
  lng: number;
  ele?: number;
  time?: Date;
}

export interface Track {
  /** The file's track name (`<trk><name>`), else the file name without extension. */
  name: string;
  source: string;
  points: TrackPoint[];
}

export class GpxError extends Error {
  override readonly name = 'GpxError';
  constructor(
    readonly source: string,
    reason: string,
  ) {
    super(`${source}: ${reason}`);
  }
}

const TRKPT = /<trkpt\b([^>]*?)(\/>|>([\s\S]*?)<\/trkpt\s*>)/g;
const ATTR = /([A-Za-z_:][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;

export function parseGpx(xml: string, source: string): Track {
  if (!/<gpx[\s>]/.test(xml)) throw new GpxError(source, 'not a GPX document (no <gpx> element)');
  const openTags = (xml.match(/<trkpt\b/g) ?? []).length;
  const points: TrackPoint[] = [];
  for (const match of xml.matchAll(TRKPT)) {
    points.push(parsePoint(match[1] ?? '', match[3] ?? '', source, points.length + 1));
  }
  if (points.length !== openTags) {
    throw new GpxError(source, `malformed <trkpt> element #${points.length + 1} (not closed)`);
  }
  if (points.length < 2) {
    throw new GpxError(source, `a track needs at least 2 <trkpt> points, found ${points.length}`);
  }
  return { name: trackName(xml) ?? baseName(source), source, points };
}

function parsePoint(attrText: string, body: string, source: string, index: number): TrackPoint {
  const attrs = new Map<string, string>();
  for (const [, key, , dq, sq] of attrText.matchAll(ATTR)) attrs.set(key!, (dq ?? sq)!);
  const lat = coordinate(attrs.get('lat'), 'lat', 90, source, index);
  const lng = coordinate(attrs.get('lon'), 'lon', 180, source, index);
  const point: TrackPoint = { lat, lng };
  const ele = childText(body, 'ele');
  if (ele !== undefined) {
    const value = Number(ele);
    if (ele === '' || !Number.isFinite(value)) {
      throw new GpxError(source, `trkpt #${index}: <ele> "${ele}" is not a number`);
    }
    point.ele = value;
  }
  const time = childText(body, 'time');
  if (time !== undefined) {
    const value = new Date(time);
    if (!/^\d{4}-\d\d-\d\dT/.test(time) || Number.isNaN(value.getTime())) {
      throw new GpxError(source, `trkpt #${index}: <time> "${time}" is not an ISO-8601 date-time`);
    }
    point.time = value;
  }
  return point;
}

function coordinate(
  text: string | undefined,
  attr: string,
  limit: number,
  source: string,
  index: number,
): number {
  if (text === undefined) throw new GpxError(source, `trkpt #${index}: missing ${attr} attribute`);
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || Math.abs(value) > limit) {
    throw new GpxError(source, `trkpt #${index}: ${attr}="${text}" is not a number in ±${limit}`);
  }
  return value;
}

function childText(body: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}\\s*>`).exec(body);
  return match ? decodeEntities(match[1]!.trim()) : undefined;
}

function trackName(xml: string): string | undefined {
  const trk = /<trk\b[^>]*>([\s\S]*?)<trkseg\b/.exec(xml);
  const name = trk ? childText(trk[1]!, 'name') : undefined;
  return name || undefined;
}

const baseName = (source: string): string => source.replace(/^.*[\\/]/, '').replace(/\.gpx$/i, '');

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeEntities = (text: string): string =>
  text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name]!);
const encodeEntities = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => `&${Object.keys(ENTITIES).find((k) => ENTITIES[k] === ch)};`);

export interface GpxWriteOptions {
  name: string;
  creator: string;
  /** Free text for <metadata><desc>, e.g. the data source and licence. */
  description?: string;
  /** Copyright/attribution for <metadata><copyright author>. */
  copyrightAuthor?: string;
  licenseUrl?: string;
}

/** Writes GPX 1.1 with coordinates rounded to 6 decimals (≈ 0.1 m), the precision GPS has. */
export function formatGpx(points: readonly TrackPoint[], options: GpxWriteOptions): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<gpx version="1.1" creator="${encodeEntities(options.creator)}" xmlns="http://www.topografix.com/GPX/1/1">`,
    '  <metadata>',
    `    <name>${encodeEntities(options.name)}</name>`,
  ];
  if (options.description) lines.push(`    <desc>${encodeEntities(options.description)}</desc>`);
  if (options.copyrightAuthor) {
    lines.push(`    <copyright author="${encodeEntities(options.copyrightAuthor)}">`);
    if (options.licenseUrl)
      lines.push(`      <license>${encodeEntities(options.licenseUrl)}</license>`);
    lines.push('    </copyright>');
  }
  lines.push('  </metadata>', `  <trk><name>${encodeEntities(options.name)}</name><trkseg>`);
  for (const p of points) {
    const children =
      (p.ele !== undefined ? `<ele>${p.ele.toFixed(1)}</ele>` : '') +
      (p.time ? `<time>${p.time.toISOString().replace('.000Z', 'Z')}</time>` : '');
    lines.push(
      `    <trkpt lat="${p.lat.toFixed(6)}" lon="${p.lng.toFixed(6)}">${children}</trkpt>`,
    );
  }
  lines.push('  </trkseg></trk>', '</gpx>', '');
  return lines.join('\n');
}
