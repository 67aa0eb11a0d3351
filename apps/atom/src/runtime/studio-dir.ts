/**
 * Where `atom start` finds the built Studio: apps/studio/dist, through the @atom/studio package.
 * Null when it was not built (`npm run build` builds it); the API then runs without it.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function studioDir(): string | null {
  let packageFile: string;
  try {
    packageFile = fileURLToPath(import.meta.resolve('@atom/studio/package.json'));
  } catch {
    return null;
  }
  const dist = join(dirname(packageFile), 'dist');
  return existsSync(join(dist, 'index.html')) ? dist : null;
}
