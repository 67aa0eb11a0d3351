/**
 * Validation as you type, in the browser, by the server's own validator (@atom/spec) over the
 * node catalog the server lists (GET /api/v1/nodes): the same errors, paths, lines and columns
 * that saving would answer, without a request per keystroke.
 */
import type { ErrorDetail } from '@atom/errors';
import { createNodeCatalog, type NodeCatalog, validateWorkflow } from '@atom/spec';
import type { NodeType } from '../api/types';

export type { ErrorDetail };

export function catalogOf(nodes: readonly NodeType[]): NodeCatalog {
  return createNodeCatalog(nodes);
}

export function validateText(text: string, catalog: NodeCatalog): ErrorDetail[] {
  return validateWorkflow(text, { catalog }).errors;
}
