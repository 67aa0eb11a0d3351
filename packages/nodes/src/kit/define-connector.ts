import type { NodeDefinition } from '@atom/engine';
import { AtomError } from '@atom/errors';

/** A service's actions under one name and version (`github` → `github.createIssue`, …). */
export interface ConnectorSpec {
  /** Lower-case, the prefix of every action type: `github`, `google-sheets`. */
  name: string;
  /** Bump it when an action is removed or changes meaning. */
  version: number;
  title: string;
  actions: readonly NodeDefinition[];
}

const CONNECTOR_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Checks a connector's actions belong to it and returns them, ready for createNodeRegistry.
 * Minimal for now: connections, triggers and per-connector metadata come with the connectors.
 *
 * @example
 * export const slack = defineConnector({ name: 'slack', version: 1, title: 'Slack', actions: [postMessage] });
 */
export function defineConnector(spec: ConnectorSpec): readonly NodeDefinition[] {
  const bad = (why: string) => new AtomError('ATOM_ERR_INTERNAL', `connector "${spec.name}": ${why}`);
  if (!CONNECTOR_NAME.test(spec.name)) throw bad('name must be lower-case letters, digits and dashes');
  if (!Number.isInteger(spec.version) || spec.version < 1) throw bad('version must be a positive integer');
  if (spec.actions.length === 0) throw bad('it has no actions');
  const seen = new Set<string>();
  for (const action of spec.actions) {
    if (!action.type.startsWith(`${spec.name}.`)) throw bad(`action "${action.type}" must start with "${spec.name}."`);
    if (seen.has(action.type)) throw bad(`action "${action.type}" is listed twice`);
    seen.add(action.type);
  }
  return Object.freeze([...spec.actions]);
}
