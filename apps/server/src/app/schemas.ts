/**
 * JSON Schemas shared by several routes: they validate requests (ajv, unknown fields refused) and
 * describe them in the OpenAPI document.
 */
export const PROBLEM_REF = { $ref: 'Problem#' } as const;

/** Error answers every authenticated route may give, for the OpenAPI description. */
export const AUTH_ERRORS = { 401: PROBLEM_REF, 403: PROBLEM_REF } as const;

export const ID_OR_NAME_PARAMS = {
  type: 'object',
  properties: { idOrName: { type: 'string', minLength: 1, description: 'Workflow id or name.' } },
  required: ['idOrName'],
  additionalProperties: false,
} as const;

/** `{ id }` in the path: a run, delivery, member, token or invitation id. */
export const ID_PARAMS = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1 } },
  required: ['id'],
  additionalProperties: false,
} as const;

export const PAGE_QUERY_PROPERTIES = {
  cursor: { type: 'string', description: 'The `nextCursor` of the previous page.' },
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
} as const;

/** A workflow document: a JSON object, or YAML text with `Content-Type: application/yaml`. */
export const WORKFLOW_BODY = {
  description:
    "A workflow document (format v1, JSON Schema at GET /api/v1/schema) as JSON, or as YAML with Content-Type application/yaml. YAML text is kept as the version's `source`, comments and layout included; the stored document is the one parsed from it.",
  anyOf: [{ type: 'object' }, { type: 'string' }],
} as const;

export const ANY_JSON = {} as const;

/** The answer of a listing: `{ items: [item…] }`, with `nextCursor` when it pages. */
export function listOf(item: object, paged = false) {
  return {
    type: 'object',
    properties: {
      items: { type: 'array', items: item },
      ...(paged ? { nextCursor: { type: ['string', 'null'] } } : {}),
    },
  } as const;
}
