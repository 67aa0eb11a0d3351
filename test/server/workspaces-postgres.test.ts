import { createPostgresStore } from '@atom/store/postgres';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import type { AtomStore } from '../support/server-harness.js';
import { describeWorkspaceIsolation } from './workspaces-suite.js';

const reason = await postgresUnreachable('two workspaces on PostgreSQL');
if (reason === undefined) {
  const url = useTestDatabase();
  describeWorkspaceIsolation(
    'PostgreSQL',
    async () => createPostgresStore({ connectionString: url, poolMax: 10 }) as unknown as AtomStore,
  );
}
