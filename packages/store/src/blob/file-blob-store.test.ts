import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileBlobStore } from './file-blob-store.js';

describe('file blob store', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atom-blobs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores bytes under their sha256 and gives them back', async () => {
    const blobs = createFileBlobStore(join(dir, 'blobs'));
    const bytes = new TextEncoder().encode(JSON.stringify({ big: 'x'.repeat(100_000) }));
    const ref = await blobs.put(bytes);
    const hex = createHash('sha256').update(bytes).digest('hex');
    expect(ref).toBe(`sha256:${hex}`);
    expect(await readFile(join(dir, 'blobs', hex.slice(0, 2), hex.slice(2)))).toEqual(Buffer.from(bytes));
    const back = await blobs.get(ref);
    expect(back).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(back).equals(Buffer.from(bytes))).toBe(true);
  });

  it('keeps one file for the same bytes and leaves no temporary files', async () => {
    const blobs = createFileBlobStore(dir);
    const bytes = new Uint8Array([1, 2, 3]);
    const refs = await Promise.all([blobs.put(bytes), blobs.put(bytes), blobs.put(bytes)]);
    expect(new Set(refs).size).toBe(1);
    const hex = (refs[0] as string).slice('sha256:'.length);
    expect(await readdir(join(dir, hex.slice(0, 2)))).toEqual([hex.slice(2)]);
    expect(await blobs.put(new Uint8Array())).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await blobs.get(await blobs.put(new Uint8Array()))).length).toBe(0);
  });

  it('throws ATOM_ERR_INTERNAL for an unknown or malformed reference', async () => {
    const blobs = createFileBlobStore(dir);
    await expect(blobs.get(`sha256:${'0'.repeat(64)}`)).rejects.toMatchObject({
      code: 'ATOM_ERR_INTERNAL',
      message: expect.stringContaining('not in the blob store'),
    });
    await expect(blobs.get('../../etc/passwd')).rejects.toMatchObject({ code: 'ATOM_ERR_INTERNAL' });
  });
});
