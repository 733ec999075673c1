import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadTracks, SHIPPED_TRACKS_DIR } from './load-tracks.js';

describe('loadTracks', () => {
  const dirs: string[] = [];
  const tempDir = async (files: Record<string, string>) => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetman-tracks-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return dir;
  };
  after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
  const good = '<gpx><trkpt lat="1" lon="2"/><trkpt lat="1.001" lon="2"/></gpx>';

  it('loads the shipped tracks: at least 20 Gothenburg trips of 3–15 km', async () => {
    const tracks = await loadTracks(SHIPPED_TRACKS_DIR);
    assert.ok(tracks.length >= 20, `${tracks.length} tracks`);
    for (const track of tracks) {
      assert.ok(track.points.length > 20, track.name);
      for (const p of track.points) {
        assert.ok(p.lat > 57.6 && p.lat < 57.8 && p.lng > 11.8 && p.lng < 12.1, track.name);
      }
    }
  });

  it('reads only .gpx files, sorted by name', async () => {
    const dir = await tempDir({ 'b.gpx': good, 'a.GPX': good, 'README.md': '# not a track' });
    assert.deepEqual(
      (await loadTracks(dir)).map((t) => t.name),
      ['a', 'b'],
    );
  });

  it('fails naming the bad file', async () => {
    const dir = await tempDir({
      'a.gpx': good,
      'broken.gpx': '<gpx><trkpt lat="x" lon="2"/></gpx>',
    });
    await assert.rejects(loadTracks(dir), /broken\.gpx: trkpt #1: lat="x"/);
  });

  it('fails clearly on a missing or empty directory', async () => {
    await assert.rejects(
      loadTracks('/nonexistent/tracks'),
      /Cannot read tracks directory \/nonexistent\/tracks/,
    );
    await assert.rejects(loadTracks(await tempDir({})), /No \.gpx files in tracks directory/);
  });
});
