import type { NodeDefinition } from '@atom/engine';
import { compileAllowList } from '../http/allow-list.js';
import { approvalNode } from './approval.js';
import { type CodeLimits, createCodeNode } from './code.js';
import { delayNode } from './delay.js';
import { failNode } from './fail.js';
import { createHttpRequestNode } from './http-request.js';
import { logNode } from './log.js';
import { respondNode } from './respond.js';
import { transformNode } from './transform.js';
import { waitNode } from './wait.js';
import { workflowCallNode } from './workflow-call.js';

/** What the built-in nodes need from the process configuration. */
export interface BuiltinConfig {
  /** ATOM_HTTP_ALLOW entries (see parseHttpAllow): hosts, IPs or CIDRs `http.request` may reach although private. */
  httpAllow: string[];
  /** Limits of every `code` call. */
  code: CodeLimits;
}

/**
 * The built-in nodes: transform, log, fail, delay, wait, approval, workflow.call, respond,
 * http.request and code.
 * Throws ATOM_ERR_CONFIG_INVALID for a malformed allow-list entry or limit.
 *
 * @example
 * const nodes = builtinNodes({ httpAllow: parseHttpAllow(process.env.ATOM_HTTP_ALLOW), code: DEFAULT_CODE_LIMITS });
 */
export function builtinNodes(config: BuiltinConfig): NodeDefinition[] {
  return [
    transformNode,
    logNode,
    failNode,
    delayNode,
    waitNode,
    approvalNode,
    workflowCallNode,
    respondNode,
    createHttpRequestNode({ allow: compileAllowList(config.httpAllow) }),
    createCodeNode(config.code),
  ];
}
