/**
 * Units and number formatting. The speed unit picks the distance unit too (km/h → km,
 * mph → mi, kn → nautical miles); numbers go through Intl in the page's language.
 */
export type SpeedUnit = 'kmh' | 'mph' | 'kn';

interface UnitSystem {
  speedLabel: string;
  perMetrePerSecond: number;
  /** The long distance unit and how many metres it holds. */
  longLabel: string;
  longMetres: number;
  /** The short distance unit (below 0.1 long units) and its size in metres. */
  shortLabel: string;
  shortMetres: number;
}

export const SPEED_UNITS: Record<SpeedUnit, UnitSystem> = {
  kmh: {
    speedLabel: 'km/h',
    perMetrePerSecond: 3.6,
    longLabel: 'km',
    longMetres: 1000,
    shortLabel: 'm',
    shortMetres: 1,
  },
  mph: {
    speedLabel: 'mph',
    perMetrePerSecond: 2.236_936,
    longLabel: 'mi',
    longMetres: 1609.344,
    shortLabel: 'ft',
    shortMetres: 0.3048,
  },
  kn: {
    speedLabel: 'kn',
    perMetrePerSecond: 1.943_844,
    longLabel: 'nmi',
    longMetres: 1852,
    shortLabel: 'm',
    shortMetres: 1,
  },
};

export function isSpeedUnit(value: unknown): value is SpeedUnit {
  return typeof value === 'string' && value in SPEED_UNITS;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
function formatNumber(value: number, locale: string, fractionDigits: number): string {
  const key = `${locale}|${fractionDigits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    });
    numberFormats.set(key, format);
  }
  return format.format(value);
}

export function formatSpeed(metresPerSecond: number, unit: SpeedUnit, locale = 'en'): string {
  const { speedLabel, perMetrePerSecond } = SPEED_UNITS[unit];
  return `${formatNumber(Math.round(metresPerSecond * perMetrePerSecond), locale, 0)} ${speedLabel}`;
}

/** "420 m", "3.4 km" / "900 ft", "2.1 mi" / "0.4 nmi": the distance unit of the speed unit. */
export function formatDistance(metres: number, unit: SpeedUnit = 'kmh', locale = 'en'): string {
  const u = SPEED_UNITS[unit];
  const long = metres / u.longMetres;
  if (long < 0.1 && u.shortMetres !== u.longMetres) {
    return `${formatNumber(Math.round(metres / u.shortMetres), locale, 0)} ${u.shortLabel}`;
  }
  if (unit === 'kmh' && metres < 1000) return `${formatNumber(Math.round(metres), locale, 0)} m`;
  return `${formatNumber(long, locale, 1)} ${u.longLabel}`;
}

const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;

export function formatHeading(degrees: number, compass: readonly string[] = COMPASS): string {
  const normalised = ((degrees % 360) + 360) % 360;
  return `${Math.round(normalised)}° ${compass[Math.round(normalised / 45) % 8]}`;
}

/** A duration split into its two largest parts, for the message catalogue to word. */
export type DurationParts =
  | { kind: 'now' }
  | { kind: 's'; s: number }
  | { kind: 'min'; min: number }
  | { kind: 'h'; h: number; min: number }
  | { kind: 'd'; d: number; h: number };

/** Under 5 s counts as "now"; then seconds, minutes, hours + minutes, days + hours (worded in i18n). */
export function durationParts(milliseconds: number): DurationParts {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  if (seconds < 5) return { kind: 'now' };
  if (seconds < 60) return { kind: 's', s: seconds };
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return { kind: 'min', min: minutes };
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return { kind: 'h', h: hours, min: minutes % 60 };
  return { kind: 'd', d: Math.floor(hours / 24), h: hours % 24 };
}
