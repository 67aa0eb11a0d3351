/**
 * Every installed package must run on the oldest Node Atom supports. npm only warns (EBADENGINE)
 * when a transitive dependency needs a newer Node, so an upgrade that pulls one in must fail here,
 * before a user on Node 20 meets the crash.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };

describe('package engines', () => {
  it('the oldest supported Node is the one the workspace declares', () => {
    expect(semver.minVersion(rootManifest.engines.node)?.version).toBe('20.19.0');
  });

  it('every locked package accepts the oldest supported Node', () => {
    const oldest = semver.minVersion(rootManifest.engines.node)?.version ?? '';
    const refused = Object.entries(lock.packages).flatMap(([path, entry]) => {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!path.includes('node_modules/') || range === undefined) return [];
      return semver.satisfies(oldest, range) ? [] : [`${path}@${entry.version} needs node ${range}`];
    });
    expect(refused).toEqual([]);
  });
});
