/**
 * Engines of separate "processes" on one PostgreSQL database, for distributed tests: each has its
 * own store (its own pool and listening connection), as `atom worker` and `atom start` would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, type EngineOptions } from '@atom/engine';
import { builtinNodes, createNodeRegistry } from '@atom/nodes';
import { createFileBlobStore } from '@atom/store';
import { createPostgresStore, type PostgresStore } from '@atom/store/postgres';
import { testNodes } from '../support/test-nodes.js';

export interface PgEngines {
  open(options?: Partial<EngineOptions>): Promise<{ engine: Engine; store: PostgresStore }>;
  closeAll(): Promise<void>;
}

export function pgEngines(url: string): PgEngines {
  const dir = mkdtempSync(join(tmpdir(), 'atom-pg-engines-'));
  const stores: PostgresStore[] = [];
  return {
    async open(options = {}) {
      const store = createPostgresStore({ connectionString: url, poolMax: 8 });
      stores.push(store);
      await store.migrate();
      const nodes = createNodeRegistry([
        ...builtinNodes({ httpAllow: [], code: { memoryBytes: 32 << 20, timeoutMs: 500 } }),
        ...testNodes,
      ]);
      const engine = new Engine({ store, blobs: createFileBlobStore(join(dir, 'blobs')), nodes, options });
      return { engine, store };
    },
    async closeAll() {
      for (const store of stores.splice(0)) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
