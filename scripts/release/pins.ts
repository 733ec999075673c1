// The pins of Fleetman's own images (clusters/images/kustomization.yaml): read, set, and tell
// which were never built. Edits go through the YAML document, so comments and the other
// entries stay exactly as they were.
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';

export interface Pin {
  /** The logical name the workload bases use, e.g. fleetman-web. */
  name: string;
  newName: string;
  newTag: string;
  digest: string;
}

/** The digest the repository starts with: "never built", nothing can pull it. */
export const UNBUILT_DIGEST = `sha256:${'0'.repeat(64)}`;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const NAME = /^fleetman-[a-z0-9-]+$/;
const REPOSITORY = /^[a-z0-9][a-z0-9._-]*(:[0-9]+)?(\/[a-z0-9][a-z0-9._-]*)+$/;
const TAG = /^[\w][\w.-]{0,127}$/;

function entries(text: string) {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`not valid YAML: ${doc.errors[0]?.message}`);
  const images = doc.get('images');
  if (!isSeq(images)) throw new Error('no images: list');
  const maps = images.items.filter((item): item is YAMLMap => isMap(item));
  return { doc, maps };
}

export function readPins(text: string): Pin[] {
  return entries(text).maps.map((entry) => ({
    name: String(entry.get('name') ?? ''),
    newName: String(entry.get('newName') ?? ''),
    newTag: String(entry.get('newTag') ?? ''),
    digest: String(entry.get('digest') ?? ''),
  }));
}

/** Rejects what the kubelet could not pull exactly: a digest is required, a tag only labels it. */
export function validatePin(pin: Pin): void {
  if (!NAME.test(pin.name)) throw new Error(`not an own image name: ${pin.name}`);
  if (!REPOSITORY.test(pin.newName)) throw new Error(`not an image repository: ${pin.newName}`);
  if (!TAG.test(pin.newTag)) throw new Error(`not an image tag: ${pin.newTag}`);
  if (!DIGEST.test(pin.digest)) throw new Error(`not a sha256 digest: ${pin.digest}`);
}

/** The file with one entry's newName, newTag and digest replaced; an unknown image is an error. */
export function setPin(text: string, pin: Pin): string {
  validatePin(pin);
  const { doc, maps } = entries(text);
  const entry = maps.find((item) => item.get('name') === pin.name);
  if (!entry) throw new Error(`no images entry named ${pin.name}`);
  entry.set('newName', pin.newName);
  entry.set('newTag', pin.newTag);
  entry.set('digest', pin.digest);
  return doc.toString({ lineWidth: 0 });
}

export function unbuiltPins(pins: Pin[]): Pin[] {
  return pins.filter((pin) => pin.digest === UNBUILT_DIGEST);
}

/** One line per image as the images workflow records it: "<name> <newName> <newTag> <digest>". */
export function parsePinLine(line: string): Pin {
  const [name = '', newName = '', newTag = '', digest = '', ...rest] = line.trim().split(/\s+/);
  if (rest.length > 0 || !digest)
    throw new Error(`expected "<name> <newName> <newTag> <digest>": ${line}`);
  const pin = { name, newName, newTag, digest };
  validatePin(pin);
  return pin;
}
