/**
 * One Node LTS everywhere: the version the test run uses (versions.env NODE_VERSION, installed
 * by use-node.sh), the engines range, the Node images of both Dockerfiles and @types/node
 * name the same major — a Renovate bump of one without the others fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

test('versions.env, engines, Dockerfiles and @types/node agree on the Node major', () => {
  const version = /^NODE_VERSION=(\d+)\.\d+\.\d+$/m.exec(read('versions.env'))?.[1];
  assert.ok(version, 'versions.env has NODE_VERSION=x.y.z');
  const manifest = JSON.parse(read('package.json')) as {
    engines: { node: string };
    devDependencies: Record<string, string>;
  };
  assert.equal(manifest.engines.node, `>=${version}`);
  assert.equal(/^\^(\d+)\./.exec(manifest.devDependencies['@types/node'] ?? '')?.[1], version);
  const images = [
    ...read('services/Dockerfile').matchAll(/\bnode:(\d+)[-\w.]*/g),
    ...read('web/Dockerfile').matchAll(/\bnode:(\d+)[-\w.]*/g),
  ];
  assert.ok(images.length >= 2, 'both Dockerfiles build on a node image');
  for (const image of images) assert.equal(image[1], version, image[0]);
});
