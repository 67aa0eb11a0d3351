import { createPostgresStore } from '@atom/store/postgres';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import type { AtomStore } from '../support/server-harness.js';
import { describeStreamResume } from './stream-resume-suite.js';

describeStreamResume('SQLite', async () => ({}));

if ((await postgresUnreachable('live stream resume on PostgreSQL')) === undefined) {
  const url = useTestDatabase();
  describeStreamResume('PostgreSQL', async () => ({
    openStore: async () => createPostgresStore({ connectionString: url, poolMax: 5 }) as unknown as AtomStore,
  }));
}
