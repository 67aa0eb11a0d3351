import { createPostgresStore } from '@atom/store/postgres';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import type { AtomStore } from '../support/server-harness.js';
import { describeRetention } from './retention-suite.js';

describeRetention('SQLite', async () => ({}));

if ((await postgresUnreachable('data retention on PostgreSQL')) === undefined) {
  const url = useTestDatabase();
  describeRetention('PostgreSQL', async () => ({
    openStore: async () => createPostgresStore({ connectionString: url, poolMax: 5 }) as unknown as AtomStore,
  }));
}
