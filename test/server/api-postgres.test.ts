import { createPostgresStore } from '@atom/store/postgres';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import type { AtomStore } from '../support/server-harness.js';
import { describeApi } from './api-suite.js';

const reason = await postgresUnreachable('API on PostgreSQL');
if (reason === undefined) {
  const url = useTestDatabase();
  describeApi(
    'PostgreSQL',
    async () => createPostgresStore({ connectionString: url, poolMax: 10 }) as unknown as AtomStore,
  );
}
