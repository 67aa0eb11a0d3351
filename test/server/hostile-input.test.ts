import { join } from 'node:path';
import { sqliteSnapshots } from '../support/database-snapshot.js';
import { describeHostileInput } from './hostile-input-suite.js';

describeHostileInput('SQLite', { snapshots: (h) => sqliteSnapshots(join(h.dir, 'atom.db')) });
