import { createPostgresStore } from '@atom/store/postgres';
import { postgresSnapshots } from '../support/database-snapshot.js';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import type { AtomStore } from '../support/server-harness.js';
import { describeHostileInput } from './hostile-input-suite.js';

if ((await postgresUnreachable('hostile input on PostgreSQL')) === undefined) {
  const url = useTestDatabase();
  describeHostileInput('PostgreSQL', {
    openStore: async () => createPostgresStore({ connectionString: url, poolMax: 5 }) as unknown as AtomStore,
    snapshots: () => postgresSnapshots(url),
  });
}
