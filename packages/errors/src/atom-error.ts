import { ERROR_REGISTRY, type ErrorCode } from './registry.js';

/** One problem at one place of a document or a request. */
export interface ErrorDetail {
  /** JSON path of the offending field, for example `steps[2].with.url` (empty for the document). */
  path: string;
  message: string;
  line?: number;
  column?: number;
  /** The specific code of this detail when it differs from the error's own. */
  code?: ErrorCode;
}

export interface AtomErrorOptions {
  details?: ErrorDetail[];
  /** Overrides the registry's default. */
  retryable?: boolean;
  /** Minimum wait before a retry, as asked by the remote side (`Retry-After`). */
  retryAfterMs?: number;
  cause?: unknown;
  /** Extra machine-readable facts (HTTP status of a remote answer, …). Never secrets. */
  data?: Record<string, unknown>;
}

/** The serialisable form stored with runs and steps and sent over the API. */
export interface ErrorRecord {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
  details?: ErrorDetail[];
  data?: Record<string, unknown>;
}

/**
 * Every error Atom lets a user see. `code` comes from the registry; `retryable` defaults to the
 * registry's value and tells the engine whether `retry` may run the step again.
 *
 * @example
 * throw new AtomError('ATOM_ERR_HTTP_STATUS', 'GET https://x answered 503', { retryable: true })
 */
export class AtomError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AtomErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AtomError';
    this.code = code;
    this.details = options.details ?? [];
    this.retryable = options.retryable ?? ERROR_REGISTRY[code].retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.data = options.data;
  }

  get status(): number {
    return ERROR_REGISTRY[this.code].status;
  }

  toRecord(): ErrorRecord {
    const record: ErrorRecord = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.retryAfterMs !== undefined) record.retryAfterMs = this.retryAfterMs;
    if (this.details.length > 0) record.details = this.details;
    if (this.data !== undefined) record.data = this.data;
    return record;
  }

  static fromRecord(record: ErrorRecord): AtomError {
    return new AtomError(record.code, record.message, {
      retryable: record.retryable,
      ...(record.retryAfterMs === undefined ? {} : { retryAfterMs: record.retryAfterMs }),
      ...(record.details === undefined ? {} : { details: record.details }),
      ...(record.data === undefined ? {} : { data: record.data }),
    });
  }
}

/** Turns anything thrown into an ErrorRecord; unknown errors become ATOM_ERR_NODE_FAILED, not retryable. */
export function toErrorRecord(error: unknown, fallback: ErrorCode = 'ATOM_ERR_NODE_FAILED'): ErrorRecord {
  if (error instanceof AtomError) return error.toRecord();
  const message = error instanceof Error ? error.message : String(error);
  return { code: fallback, message, retryable: ERROR_REGISTRY[fallback].retryable };
}

/** Formats one detail the way the CLI prints it: `path:line:column message`. */
export function formatDetail(detail: ErrorDetail, file?: string): string {
  const where = [file, detail.line, detail.column].filter((part) => part !== undefined).join(':');
  const path = detail.path === '' ? '(document)' : detail.path;
  return `${where ? `${where} ` : ''}${path}: ${detail.message}`;
}
