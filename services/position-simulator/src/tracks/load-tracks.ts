import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGpx, type Track } from './gpx.js';

/** The tracks shipped with the service (../../tracks from both src/tracks and dist/tracks). */
export const SHIPPED_TRACKS_DIR = fileURLToPath(new URL('../../tracks/', import.meta.url));

/**
 * Reads every *.gpx in dir, in name order (so vehicle → track assignment is stable). Fails on the
 * first bad file with a GpxError naming it: a fleet silently missing tracks is worse than no start.
 */
export async function loadTracks(dir: string): Promise<Track[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.toLowerCase().endsWith('.gpx')).sort();
  } catch (error) {
    throw new Error(`Cannot read tracks directory ${dir}: ${(error as Error).message}`);
  }
  if (names.length === 0) throw new Error(`No .gpx files in tracks directory ${dir}`);
  return Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      return parseGpx(await readFile(path, 'utf8'), path);
    }),
  );
}
