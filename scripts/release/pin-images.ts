// Writes and checks the pins of Fleetman's own images, the one place they live
// (clusters/images/kustomization.yaml). Used by .github/workflows/images.yaml and
// scripts/release/minikube-images.sh.
//
//   node --import tsx scripts/release/pin-images.ts set <name> <newName> <newTag> <sha256:…>
//   node --import tsx scripts/release/pin-images.ts set-from <pins.txt>…   # "<name> <newName> <newTag> <digest>" lines
//   node --import tsx scripts/release/pin-images.ts check                   # exit 1 if an image was never built
//   node --import tsx scripts/release/pin-images.ts show
// --file <path> works on another pins file (tests, forks with their own layout).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePinLine, readPins, setPin, unbuiltPins, type Pin } from './pins.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const usage =
  'usage: pin-images.ts [--file PATH] set NAME NEWNAME NEWTAG DIGEST | set-from FILE… | check | show';

function main(argv: string[]): number {
  let file = join(root, 'clusters', 'images', 'kustomization.yaml');
  const args = [...argv];
  const at = args.indexOf('--file');
  if (at >= 0) {
    file = args[at + 1] ?? '';
    args.splice(at, 2);
  }
  const [command, ...rest] = args;
  const shown = relative(process.cwd(), file) || file;
  const text = readFileSync(file, 'utf8');
  const write = (pins: Pin[]) => {
    const after = pins.reduce(setPin, text);
    if (after === text) {
      console.log(`${shown}: pins unchanged`);
    } else {
      writeFileSync(file, after);
      for (const pin of pins)
        console.log(`${shown}: ${pin.name} -> ${pin.newName}:${pin.newTag}@${pin.digest}`);
    }
    return 0;
  };
  switch (command) {
    case 'set': {
      const [name = '', newName = '', newTag = '', digest = ''] = rest;
      if (rest.length !== 4) break;
      return write([{ name, newName, newTag, digest }]);
    }
    case 'set-from': {
      if (rest.length === 0) break;
      const lines = rest.flatMap((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .filter((l) => l.trim()),
      );
      return write(lines.map(parsePinLine));
    }
    case 'check': {
      const unbuilt = unbuiltPins(readPins(text));
      if (unbuilt.length === 0) {
        console.log(`${shown}: every own image is pinned to a built digest`);
        return 0;
      }
      console.error(
        [
          `${shown}: ${unbuilt.map((p) => p.name).join(', ')} still carry the all-zero digest (tag 0.0.0-unbuilt):`,
          'these images were never built, so no cluster can pull them (ImagePullBackOff). Either',
          '  - on your fork, let .github/workflows/images.yaml build them and merge its pin pull request, or',
          '  - on Minikube, build them into the cluster: bash scripts/release/minikube-images.sh',
          '(README, "Images").',
        ].join('\n'),
      );
      return 1;
    }
    case 'show':
      for (const pin of readPins(text))
        console.log(`${pin.name} ${pin.newName} ${pin.newTag} ${pin.digest}`);
      return 0;
  }
  console.error(usage);
  return 2;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`pin-images: ${(error as Error).message}`);
  process.exitCode = 1;
}
