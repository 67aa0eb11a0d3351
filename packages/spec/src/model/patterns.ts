/** Workflow names: unique in a workspace, usable in URLs. */
export const WORKFLOW_NAME_PATTERN = '^[a-z0-9][a-z0-9-]*$';

/** Step ids: usable in expressions as `$steps.<id>`. */
export const STEP_ID_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

/** Node types: `transform`, `http.request`, `github.issues.create`. */
export const NODE_TYPE_PATTERN = '^[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z][A-Za-z0-9_-]*)*$';

/**
 * Webhook paths, relative to `/hooks/`: segments of URL-safe characters, none empty and none made
 * of dots only — a `.` or `..` segment is traversal that no client can call (they normalise it away).
 */
export const WEBHOOK_PATH_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9._~-]*[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*$';
