/** How workflows appear in API answers: ids, versions and ISO times, never store rows. */
import type { WorkflowVersionRecord } from '@atom/engine';
import type { WorkflowSummary } from '@atom/store';

export const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

export function summaryView(summary: WorkflowSummary) {
  return {
    id: summary.workflowId,
    name: summary.name,
    version: summary.version,
    description: summary.description,
    triggersEnabled: summary.triggersEnabled,
    createdAt: iso(summary.createdAt),
    updatedAt: iso(summary.updatedAt),
  };
}

export function versionView(record: WorkflowVersionRecord) {
  return {
    id: record.workflowId,
    name: record.name,
    version: record.version,
    hash: record.hash,
    createdAt: iso(record.createdAt),
    document: record.document,
    source: record.source,
  };
}

const TIME = { type: ['string', 'null'], format: 'date-time' } as const;

export const SOURCE_SCHEMA = {
  type: ['string', 'null'],
  description:
    'The YAML text the version was saved as, comments and layout included (the document is what it parses to); null when it was saved as a JSON document.',
} as const;

export const SUMMARY_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    version: { type: 'integer' },
    description: { type: ['string', 'null'] },
    triggersEnabled: { type: 'boolean' },
    createdAt: TIME,
    updatedAt: TIME,
  },
} as const;

export const VERSION_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    version: { type: 'integer' },
    hash: { type: 'string' },
    createdAt: TIME,
    document: { type: 'object', additionalProperties: true },
    source: SOURCE_SCHEMA,
  },
} as const;
