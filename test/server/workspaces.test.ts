import { describeWorkspaceIsolation } from './workspaces-suite.js';

describeWorkspaceIsolation('SQLite');
