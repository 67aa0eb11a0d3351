/** Migration 0050: several workspaces, memberships, workspace keys (shared/workspaces-migration.ts). */
import { workspacesMigration } from '../../shared/workspaces-migration.js';

export const up = workspacesMigration('bigint', 'id collate "C"');
