/**
 * Settings read at run time from /config.json, so one image serves every environment: nginx
 * renders that file from its environment (see web/nginx/), the local gateway serves the
 * defaults from web/dist. An empty tileUrl means "no tiles" (offline): the map then draws a
 * plain background with a graticule and a scale.
 */
export interface RuntimeConfig {
  apiBase: string;
  tileUrl: string;
  tileAttribution: string;
  maxZoom: number;
  /** Initial view until the first vehicles arrive. */
  center: [number, number];
  zoom: number;
}

export const DEFAULT_CONFIG: RuntimeConfig = {
  apiBase: '/api',
  tileUrl: '',
  tileAttribution: '',
  maxZoom: 19,
  center: [57.7089, 11.9746],
  zoom: 12,
};

export function mergeConfig(raw: unknown): RuntimeConfig {
  const config = { ...DEFAULT_CONFIG };
  if (typeof raw !== 'object' || raw === null) return config;
  const r = raw as Record<string, unknown>;
  if (typeof r.apiBase === 'string' && r.apiBase) config.apiBase = r.apiBase.replace(/\/$/, '');
  if (typeof r.tileUrl === 'string') config.tileUrl = r.tileUrl;
  if (typeof r.tileAttribution === 'string') config.tileAttribution = r.tileAttribution;
  if (typeof r.maxZoom === 'number' && r.maxZoom > 0) config.maxZoom = r.maxZoom;
  if (
    Array.isArray(r.center) &&
    r.center.length === 2 &&
    r.center.every((n) => typeof n === 'number')
  ) {
    config.center = [r.center[0] as number, r.center[1] as number];
  }
  if (typeof r.zoom === 'number') config.zoom = r.zoom;
  return config;
}

export async function loadRuntimeConfig(url = 'config.json'): Promise<RuntimeConfig> {
  try {
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) return DEFAULT_CONFIG;
    return mergeConfig(await response.json());
  } catch {
    // A missing or broken config must not blank the page: fall back to the defaults.
    return DEFAULT_CONFIG;
  }
}
