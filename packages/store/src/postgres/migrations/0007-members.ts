/** Migration 0007: token roles and invitations (shared/members-migration.ts). */
import { membersMigration } from '../../shared/members-migration.js';

export const up = membersMigration('bigint');
