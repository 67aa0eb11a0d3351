/**
 * The one registry of every error a user can see. Codes are stable: never rename or reuse one.
 * docs/errors.md is generated from this table (`npm run docs:errors`) and a test keeps both equal.
 *
 * `status` is the HTTP status the API answers with; `retryable` says whether the engine may run the
 * failed step again under its `retry` policy.
 */
export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly retryable: boolean;
  readonly description: string;
}

export const ERROR_REGISTRY = {
  ATOM_ERR_INTERNAL: {
    status: 500,
    title: 'Internal error',
    retryable: false,
    description: 'An unexpected failure inside Atom. The message says where; please report it.',
  },
  ATOM_ERR_CLI_USAGE: {
    status: 400,
    title: 'Bad command line',
    retryable: false,
    description: 'An unknown command, flag or a flag value of the wrong form.',
  },
  ATOM_ERR_FILE_READ: {
    status: 400,
    title: 'File cannot be read',
    retryable: false,
    description: 'A file named on the command line does not exist or cannot be read.',
  },
  ATOM_ERR_CONFIG_INVALID: {
    status: 500,
    title: 'Invalid configuration',
    retryable: false,
    description: 'An environment variable or flag has a value Atom cannot use; the message names it.',
  },
  ATOM_ERR_SPEC_YAML_SYNTAX: {
    status: 400,
    title: 'YAML syntax error',
    retryable: false,
    description: 'The document is not well-formed YAML or JSON; the error gives line and column.',
  },
  ATOM_ERR_SPEC_INVALID: {
    status: 422,
    title: 'Invalid workflow',
    retryable: false,
    description:
      'The workflow document breaks the format; `errors` lists every problem with its path, line and column.',
  },
  ATOM_ERR_SPEC_SCHEMA: {
    status: 422,
    title: 'Field does not match the format',
    retryable: false,
    description: 'A field is missing, unknown, or of the wrong type or form.',
  },
  ATOM_ERR_SPEC_DUPLICATE_ID: {
    status: 422,
    title: 'Duplicate step id',
    retryable: false,
    description: 'Two steps share an id; ids are unique across the whole document.',
  },
  ATOM_ERR_SPEC_UNKNOWN_NEED: {
    status: 422,
    title: 'Unknown step in needs',
    retryable: false,
    description: '`needs` names a step that does not exist in the same group.',
  },
  ATOM_ERR_SPEC_CYCLE: {
    status: 422,
    title: 'Dependency cycle',
    retryable: false,
    description: 'Steps depend on each other in a cycle; the message lists it.',
  },
  ATOM_ERR_SPEC_UNKNOWN_NODE: {
    status: 422,
    title: 'Unknown node type',
    retryable: false,
    description: '`uses` names a node type that is not installed.',
  },
  ATOM_ERR_SPEC_NODE_INPUT: {
    status: 422,
    title: 'Invalid node input',
    retryable: false,
    description: "A step's `with` does not match the input schema of its node.",
  },
  ATOM_ERR_SPEC_EXPRESSION: {
    status: 422,
    title: 'Expression syntax error',
    retryable: false,
    description: 'A `{{ }}` expression does not compile; the error gives its position.',
  },
  ATOM_ERR_SPEC_STEP_REF: {
    status: 422,
    title: 'Bad step reference',
    retryable: false,
    description:
      'An expression reads `$steps.x` where `x` does not exist or does not run before the step that reads it.',
  },
  ATOM_ERR_SPEC_LIMIT: {
    status: 422,
    title: 'Workflow too large',
    retryable: false,
    description: 'The document has more steps than the configured limit (1,000 by default).',
  },
  ATOM_ERR_EXPR_EVAL: {
    status: 422,
    title: 'Expression failed',
    retryable: false,
    description: 'An expression failed while it was evaluated; the error names the expression and its path.',
  },
  ATOM_ERR_EXPR_TIMEOUT: {
    status: 422,
    title: 'Expression took too long',
    retryable: false,
    description: 'An expression ran past its time limit.',
  },
  ATOM_ERR_EXPR_DEPTH: {
    status: 422,
    title: 'Expression too deep',
    retryable: false,
    description: 'An expression recursed past its depth limit.',
  },
  ATOM_ERR_RUN_INPUT_INVALID: {
    status: 400,
    title: 'Invalid run input',
    retryable: false,
    description: 'The inputs of a run do not match the workflow `inputs` schema.',
  },
  ATOM_ERR_IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency key reused',
    retryable: false,
    description:
      'An `Idempotency-Key` already started a run with other inputs or another version. A retry must repeat the first request; a new request needs a new key.',
  },
  ATOM_ERR_RUN_NOT_FOUND: {
    status: 404,
    title: 'Run not found',
    retryable: false,
    description: 'No run has this id in this data folder or database.',
  },
  ATOM_ERR_RUN_CANCELLED: {
    status: 409,
    title: 'Run cancelled',
    retryable: false,
    description: 'The run was cancelled; its unfinished steps were cancelled with it.',
  },
  ATOM_ERR_WORKFLOW_NOT_FOUND: {
    status: 404,
    title: 'Workflow not found',
    retryable: false,
    description: 'No workflow (or no such version) has this name or id.',
  },
  ATOM_ERR_NODE_UNKNOWN: {
    status: 422,
    title: 'Node type not installed',
    retryable: false,
    description: 'A stored workflow uses a node type this process does not have.',
  },
  ATOM_ERR_NODE_INPUT: {
    status: 422,
    title: 'Invalid node input at run time',
    retryable: false,
    description: "After its expressions were evaluated, a step's input does not match its node's schema.",
  },
  ATOM_ERR_NODE_FAILED: {
    status: 500,
    title: 'Node failed',
    retryable: false,
    description: 'A node threw an error that did not say whether it can be retried; Atom does not retry it.',
  },
  ATOM_ERR_STEP_TIMEOUT: {
    status: 504,
    title: 'Step timed out',
    retryable: true,
    description: 'A step ran past its `timeout`; it is retried under its `retry` policy.',
  },
  ATOM_ERR_STEP_OUTPUT_TOO_LARGE: {
    status: 413,
    title: 'Step output too large',
    retryable: false,
    description: 'A step returned more than the maximum output size (16 MiB by default).',
  },
  ATOM_ERR_STEP_FAILED: {
    status: 422,
    title: 'Step failed on purpose',
    retryable: false,
    description: 'A `fail` step stopped the run with its own message.',
  },
  ATOM_ERR_FOREACH_ITEMS: {
    status: 422,
    title: 'Bad foreach items',
    retryable: false,
    description: '`foreach` did not evaluate to an array, or to more items than the limit (100,000 by default).',
  },
  ATOM_ERR_WAIT_TIMEOUT: {
    status: 504,
    title: 'Wait timed out',
    retryable: false,
    description: 'A `wait` step reached its timeout before a matching event arrived.',
  },
  ATOM_ERR_CHILD_RUN_FAILED: {
    status: 422,
    title: 'Sub-workflow failed',
    retryable: false,
    description: 'A `workflow.call` child run failed or was cancelled; its error is attached.',
  },
  ATOM_ERR_HTTP_BLOCKED_ADDRESS: {
    status: 403,
    title: 'Address not allowed',
    retryable: false,
    description:
      '`http.request` refused a private, loopback or link-local address; list it in ATOM_HTTP_ALLOW to allow it.',
  },
  ATOM_ERR_HTTP_STATUS: {
    status: 502,
    title: 'HTTP error status',
    retryable: false,
    description: 'The remote server answered 4xx or 5xx; 5xx, 408 and 429 are retryable, other 4xx are not.',
  },
  ATOM_ERR_HTTP_CONNECTION: {
    status: 502,
    title: 'HTTP connection failed',
    retryable: true,
    description: 'The remote server could not be reached (DNS, refused, reset).',
  },
  ATOM_ERR_HTTP_TIMEOUT: {
    status: 504,
    title: 'HTTP request timed out',
    retryable: true,
    description: 'The remote server did not answer within the request timeout.',
  },
  ATOM_ERR_CODE_TIMEOUT: {
    status: 422,
    title: 'Code ran too long',
    retryable: false,
    description: 'A `code` step ran past its time limit and was stopped.',
  },
  ATOM_ERR_CODE_MEMORY: {
    status: 422,
    title: 'Code used too much memory',
    retryable: false,
    description: 'A `code` step went over its memory limit and was stopped.',
  },
  ATOM_ERR_CODE_ERROR: {
    status: 422,
    title: 'Code threw an error',
    retryable: false,
    description: 'A `code` step threw, or returned a value that is not JSON.',
  },
  ATOM_ERR_STORE_MIGRATION: {
    status: 500,
    title: 'Database migration failed',
    retryable: false,
    description: 'The database schema could not be brought to the version this Atom needs.',
  },
  ATOM_ERR_STORE_SCHEMA_NEWER: {
    status: 500,
    title: 'Database belongs to a newer Atom',
    retryable: false,
    description:
      'The database records migrations this program does not know: a newer Atom migrated it. Run that version, or restore a backup.',
  },
  ATOM_ERR_DOCTOR_CHECK_FAILED: {
    status: 500,
    title: 'A dependency check failed',
    retryable: true,
    description:
      '`atom doctor` could not use something Atom needs (the Node.js version, the data folder, Redis, the OpenID provider); the line names it and why.',
  },
  ATOM_ERR_STORE_BUSY: {
    status: 503,
    title: 'Database busy',
    retryable: true,
    description: 'The database stayed locked past the busy timeout; try again.',
  },
  ATOM_ERR_WORKFLOW_EXISTS: {
    status: 409,
    title: 'Workflow name taken',
    retryable: false,
    description: 'A workflow with this name already exists; update it with PUT, or choose another name.',
  },
  ATOM_ERR_WORKFLOW_VERSION_CONFLICT: {
    status: 409,
    title: 'Workflow changed since it was read',
    retryable: false,
    description:
      '`If-Match` named a version that is no longer the newest; read the workflow again and reapply the change.',
  },
  ATOM_ERR_WORKFLOW_DISABLED: {
    status: 409,
    title: 'Workflow triggers are disabled',
    retryable: false,
    description:
      "The workflow's triggers are switched off; enable them to let webhooks, schedules and events start runs.",
  },
  ATOM_ERR_REPLAY_STEP_UNKNOWN: {
    status: 422,
    title: 'Replay step not found',
    retryable: false,
    description: '`fromStep` names no top-level step of the workflow version the replay runs on.',
  },
  ATOM_ERR_APPROVAL_NOT_PENDING: {
    status: 409,
    title: 'No approval is pending',
    retryable: false,
    description:
      'The step is not waiting for an approval (it was already decided, timed out, or is not an `approval` step).',
  },
  ATOM_ERR_APPROVAL_NOT_ALLOWED: {
    status: 403,
    title: 'Not an approver',
    retryable: false,
    description: 'The step lists its approvers and the caller is not one of them.',
  },
  ATOM_ERR_APPROVAL_REJECTED: {
    status: 422,
    title: 'Approval rejected',
    retryable: false,
    description: 'An approver rejected the `approval` step; the message gives who and why.',
  },
  ATOM_ERR_APPROVAL_TIMEOUT: {
    status: 422,
    title: 'Approval timed out',
    retryable: false,
    description: 'Nobody decided the `approval` step within its `timeout`.',
  },
  ATOM_ERR_AUTH_REQUIRED: {
    status: 401,
    title: 'Authentication required',
    retryable: false,
    description: 'The request has no `Authorization: Bearer <token>` header.',
  },
  ATOM_ERR_AUTH_INVALID: {
    status: 401,
    title: 'Invalid credentials',
    retryable: false,
    description: 'The API token is unknown, revoked or expired, or the email and password do not match.',
  },
  ATOM_ERR_FORBIDDEN: {
    status: 403,
    title: 'Permission denied',
    retryable: false,
    description: "The caller's role does not grant the permission the route declares.",
  },
  ATOM_ERR_WORKSPACE_FORBIDDEN: {
    status: 403,
    title: 'Not a member of the workspace',
    retryable: false,
    description:
      'The workspace named by the `Atom-Workspace` header (or `--workspace`) does not exist or the caller is no member of it, or an API token was sent with another workspace than its own.',
  },
  ATOM_ERR_WORKSPACE_EXISTS: {
    status: 409,
    title: 'Workspace exists',
    retryable: false,
    description: 'A workspace with this slug already exists; slugs are unique in an installation.',
  },
  ATOM_ERR_WORKSPACE_NOT_FOUND: {
    status: 404,
    title: 'Workspace not found',
    retryable: false,
    description: 'No workspace has this id or slug (the CLI names workspaces by slug).',
  },
  ATOM_ERR_USER_EXISTS: {
    status: 409,
    title: 'User exists',
    retryable: false,
    description: 'A user with this email already exists.',
  },
  ATOM_ERR_USER_NOT_FOUND: {
    status: 404,
    title: 'User not found',
    retryable: false,
    description: 'No user has this email or id.',
  },
  ATOM_ERR_MEMBER_LAST_OWNER: {
    status: 409,
    title: 'Last owner',
    retryable: false,
    description: 'The change would leave the workspace without an owner; make another member owner first.',
  },
  ATOM_ERR_ROLE_TOO_HIGH: {
    status: 403,
    title: 'Role above your own',
    retryable: false,
    description:
      'Only an owner grants, takes or removes the owner role, and nobody gives a token or an invitation a role above their own.',
  },
  ATOM_ERR_TOKEN_NOT_FOUND: {
    status: 404,
    title: 'API token not found',
    retryable: false,
    description: 'No API token you may see has this id, or it was revoked already.',
  },
  ATOM_ERR_INVITATION_INVALID: {
    status: 404,
    title: 'Invitation not valid',
    retryable: false,
    description: 'No open invitation has this token: it is unknown, was used or revoked, or has expired.',
  },
  ATOM_ERR_REQUEST_INVALID: {
    status: 400,
    title: 'Invalid request',
    retryable: false,
    description: "The request body, query or parameters do not match the route's schema; `errors` lists each field.",
  },
  ATOM_ERR_VALUE_NUL: {
    status: 400,
    title: 'Value holds a NUL character',
    retryable: false,
    description:
      'A request body, workflow document, run input, webhook body or query, event payload, step input or step output holds a NUL character (`\\u0000` in JSON, `\\0` in YAML), in a string or an object key. PostgreSQL cannot store one, so Atom refuses it on every store; the detail gives the path. A step whose input or output holds one fails with this code (not retryable).',
  },
  ATOM_ERR_VALUE_TOO_DEEP: {
    status: 400,
    title: 'Value nested too deeply',
    retryable: false,
    description:
      'A request body, workflow document, `with` value, run input or step output nests arrays and objects deeper than ATOM_MAX_NESTING (64 by default); the detail gives the path where the limit is crossed.',
  },
  ATOM_ERR_REQUEST_JSON: {
    status: 400,
    title: 'Malformed JSON',
    retryable: false,
    description: 'The request body is not valid JSON.',
  },
  ATOM_ERR_REQUEST_TOO_LARGE: {
    status: 413,
    title: 'Request body too large',
    retryable: false,
    description: 'The request body is over the limit (10 MiB by default, `ATOM_BODY_LIMIT_MB`).',
  },
  ATOM_ERR_REQUEST_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported content type',
    retryable: false,
    description: "The body's `Content-Type` is not one the route accepts (JSON, or YAML where documented).",
  },
  ATOM_ERR_REQUEST_MALFORMED: {
    status: 400,
    title: 'Unreadable HTTP request',
    retryable: false,
    description:
      "The request is not valid HTTP/1.1 (a bad request line, header or chunk); Node's parser refused it and the connection is closed.",
  },
  ATOM_ERR_REQUEST_HEADERS_TOO_LARGE: {
    status: 431,
    title: 'Request headers too large',
    retryable: false,
    description: "The request's headers are over Node's limit (16 KiB by default, `--max-http-header-size`).",
  },
  ATOM_ERR_REQUEST_TIMEOUT: {
    status: 408,
    title: 'Request not received in time',
    retryable: true,
    description:
      'The whole request (headers and body) did not arrive within `ATOM_REQUEST_TIMEOUT_MS` (60 s by default); the connection is closed.',
  },
  ATOM_ERR_ROUTE_NOT_FOUND: {
    status: 404,
    title: 'Route not found',
    retryable: false,
    description: 'No route matches this method and path.',
  },
  ATOM_ERR_HOOK_NOT_FOUND: {
    status: 404,
    title: 'Webhook not found',
    retryable: false,
    description: 'No enabled workflow has a webhook trigger on this path.',
  },
  ATOM_ERR_HOOK_METHOD: {
    status: 405,
    title: 'Method not allowed for webhook',
    retryable: false,
    description: 'The webhook trigger accepts another HTTP method.',
  },
  ATOM_ERR_HOOK_SIGNATURE: {
    status: 401,
    title: 'Webhook signature invalid',
    retryable: false,
    description: "The request's signature is missing or does not verify with the trigger's secret; nothing was stored.",
  },
  ATOM_ERR_HOOK_REPLAYED: {
    status: 401,
    title: 'Webhook timestamp outside the window',
    retryable: false,
    description: "The signed timestamp is older (or newer) than the trigger's replay window; nothing was stored.",
  },
  ATOM_ERR_DELIVERY_NOT_FOUND: {
    status: 404,
    title: 'Delivery not found',
    retryable: false,
    description: 'No webhook delivery has this id.',
  },
  ATOM_ERR_SCHEDULE_INVALID: {
    status: 422,
    title: 'Schedule cannot be read',
    retryable: false,
    description: "A schedule's `cron` or `rrule` does not parse, or never fires.",
  },
  ATOM_ERR_SERVER_UNAVAILABLE: {
    status: 503,
    title: 'Server shutting down',
    retryable: true,
    description: 'The server is stopping and takes no new work; try again on another instance or after the restart.',
  },
  ATOM_ERR_CSRF: {
    status: 403,
    title: 'CSRF token missing or wrong',
    retryable: false,
    description:
      "A state-changing request authenticated by the session cookie must send the session's CSRF token in `X-CSRF-Token` (from login or GET /api/v1/auth/session).",
  },
  ATOM_ERR_SESSION_EXPIRED: {
    status: 401,
    title: 'Session expired',
    retryable: false,
    description: 'The login session was idle too long, reached its maximum age, or was revoked; log in again.',
  },
  ATOM_ERR_LOGIN_THROTTLED: {
    status: 429,
    title: 'Too many failed logins',
    retryable: true,
    description: 'Repeated failed logins for this account or address; wait for `Retry-After` seconds.',
  },
  ATOM_ERR_SETUP_DONE: {
    status: 409,
    title: 'Setup already done',
    retryable: false,
    description: 'The first-run setup creates the first owner only while no user exists.',
  },
  ATOM_ERR_RATE_LIMITED: {
    status: 429,
    title: 'Rate limit reached',
    retryable: true,
    description: "The workspace's tier allows fewer requests per minute; wait for `Retry-After` seconds.",
  },
  ATOM_ERR_SECRET_DECRYPT: {
    status: 500,
    title: 'Secret cannot be decrypted',
    retryable: false,
    description:
      'A stored secret does not decrypt with any configured key (a wrong ATOM_ENCRYPTION_KEY, a missing old key after rotation, or a tampered row).',
  },
  ATOM_ERR_SECRET_NOT_FOUND: {
    status: 404,
    title: 'Secret or variable not found',
    retryable: false,
    description: 'No secret (or variable) of the workspace has this name.',
  },
  ATOM_ERR_RUN_LIMIT: {
    status: 429,
    title: 'Concurrent run limit reached',
    retryable: true,
    description: 'The workspace already has as many active runs as its tier allows; wait for `Retry-After` seconds.',
  },
  ATOM_ERR_STREAM_ORIGIN: {
    status: 403,
    title: 'Stream refused for this Origin',
    retryable: false,
    description:
      "A WebSocket to `/api/v1/stream` authenticated by the Studio's session cookie must come from the server's own origin or an origin of the CORS allowlist (browsers send no CSRF header on a WebSocket); send `Authorization: Bearer <token>` from other clients.",
  },
  ATOM_ERR_STREAM_BAD_MESSAGE: {
    status: 400,
    title: 'Stream message not understood',
    retryable: false,
    description:
      'A message sent on `/api/v1/stream` is not JSON, has an unknown `type`, or misses a field (the answer names it). The connection stays open.',
  },
  ATOM_ERR_STREAM_SLOW_CONSUMER: {
    status: 503,
    title: 'Stream client too slow',
    retryable: true,
    description:
      'The client read its WebSocket more slowly than events came, and the bytes waiting for it passed the per-connection cap: the server closed with code 4008. Reconnect and subscribe again with `after` = the last event id received.',
  },
  ATOM_ERR_STREAM_RESUME_GONE: {
    status: 410,
    title: 'Stream cannot resume from that event',
    retryable: false,
    description:
      'A subscription asked to resume `after` an event that is no longer stored, or events of its workspace that came after it were deleted by retention pruning: the events it asked for cannot all be sent. The server answers `{"type":"reset"}` with this code and goes on with live events; reload the state (GET /api/v1/runs…) and keep the ids of the events that follow.',
  },
  ATOM_ERR_STREAM_UPGRADE_REQUIRED: {
    status: 426,
    title: 'WebSocket upgrade required',
    retryable: false,
    description: '`GET /api/v1/stream` speaks WebSocket only: send `Connection: Upgrade` and `Upgrade: websocket`.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_REGISTRY;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_REGISTRY, value);
}
