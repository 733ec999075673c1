/** Speed units the list and panel offer; the choice is remembered in localStorage. */
export type SpeedUnit = 'kmh' | 'mph' | 'kn';

export const SPEED_UNITS: Record<SpeedUnit, { label: string; perMetrePerSecond: number }> = {
  kmh: { label: 'km/h', perMetrePerSecond: 3.6 },
  mph: { label: 'mph', perMetrePerSecond: 2.236_936 },
  kn: { label: 'kn', perMetrePerSecond: 1.943_844 },
};

export function isSpeedUnit(value: unknown): value is SpeedUnit {
  return typeof value === 'string' && value in SPEED_UNITS;
}

export function formatSpeed(metresPerSecond: number, unit: SpeedUnit): string {
  const { label, perMetrePerSecond } = SPEED_UNITS[unit];
  return `${Math.round(metresPerSecond * perMetrePerSecond)} ${label}`;
}

const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;

export function formatHeading(degrees: number): string {
  const normalised = ((degrees % 360) + 360) % 360;
  return `${Math.round(normalised)}° ${COMPASS[Math.round(normalised / 45) % 8]}`;
}

/** "just now", "42 s", "23 min", "3 h 5 min", "2 d 4 h": compact enough for a list row. */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

export function formatDistance(metres: number): string {
  return metres < 1000 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(1)} km`;
}
