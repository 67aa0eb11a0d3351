/**
 * BlobPort on a folder: content-addressed, so storing the same bytes twice keeps one file.
 *
 * In: bytes. Out: `sha256:<64 hex>`; the bytes live in `<dir>/<first 2 hex>/<other 62 hex>`.
 * A blob is written to a temporary file, flushed, then renamed into place, so a reader never sees
 * a partial blob and a crash leaves at most a stray temporary file.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobPort } from '@atom/engine';
import { AtomError } from '@atom/errors';

const REF = /^sha256:([0-9a-f]{64})$/;

/**
 * @example
 * const blobs = createFileBlobStore('./data/blobs');
 * const ref = await blobs.put(new TextEncoder().encode('hello')); // 'sha256:2cf24d…'
 * const bytes = await blobs.get(ref);
 */
export function createFileBlobStore(dir: string): BlobPort {
  const pathOf = (hex: string): string => join(dir, hex.slice(0, 2), hex.slice(2));

  return {
    async put(bytes) {
      const hex = createHash('sha256').update(bytes).digest('hex');
      const ref = `sha256:${hex}`;
      const path = pathOf(hex);
      if (await exists(path)) {
        // Stored again: retention must see it as in use from now on (see `remove`).
        const now = new Date();
        await utimes(path, now, now).catch(() => {});
        return ref;
      }
      await mkdir(join(dir, hex.slice(0, 2)), { recursive: true });
      const temp = `${path}.${randomUUID()}.tmp`;
      try {
        const handle = await open(temp, 'wx');
        try {
          await handle.writeFile(bytes);
          await handle.datasync();
        } finally {
          await handle.close();
        }
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return ref;
    },

    async remove(ref, unusedSince) {
      const hex = REF.exec(ref)?.[1];
      if (hex === undefined) return false;
      const path = pathOf(hex);
      try {
        if ((await stat(path)).mtimeMs >= unusedSince) return false;
        await rm(path, { force: true });
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
        throw error;
      }
    },

    async get(ref) {
      const hex = REF.exec(ref)?.[1];
      if (hex === undefined) {
        throw new AtomError('ATOM_ERR_INTERNAL', `"${ref}" is not a blob reference (expected sha256:<64 hex digits>)`);
      }
      try {
        const data = await readFile(pathOf(hex));
        return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new AtomError('ATOM_ERR_INTERNAL', `blob ${ref} is not in the blob store at ${dir}`, { cause: error });
        }
        throw error;
      }
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
