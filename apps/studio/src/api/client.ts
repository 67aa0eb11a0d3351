/**
 * The Studio's way to the API: same-origin fetch with the session cookie, the CSRF token on every
 * change (POST, PUT, PATCH, DELETE), the chosen workspace on every request (`Atom-Workspace`), JSON
 * in and out, and problem+json errors turned into ApiError
 * (with the `ATOM_ERR_*` code and the per-field details the server gave).
 */

export interface ProblemDetail {
  path?: string;
  message: string;
  line?: number;
  column?: number;
  code?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ProblemDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let workspace: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** The workspace (slug) every request acts in from now on; null: the user's first (the server's default). */
export function setWorkspace(slug: string | null): void {
  workspace = slug;
}

export function currentWorkspace(): string | null {
  return workspace;
}

/** The session's CSRF token, from the login, setup or session answer. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request finds the session gone (401), so the app can show the login page. */
export function onSessionLost(handler: () => void): void {
  onUnauthenticated = handler;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** A body sent as is (YAML), with its content type. */
  raw?: { body: string; type: string };
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiAnswer<T> {
  data: T;
  status: number;
  headers: Headers;
}

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function request<T>(path: string, options: RequestOptions = {}): Promise<ApiAnswer<T>> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.raw) headers['content-type'] = options.raw.type;
  if (CHANGES.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (workspace) headers['atom-workspace'] = workspace;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.raw ? { body: options.raw.body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'ATOM_ERR_NETWORK', 'the server cannot be reached; check that atom start is running');
  }
  const text = await response.text();
  const body: unknown = text === '' ? null : safeJson(text);
  if (!response.ok) {
    const problem = (body ?? {}) as { code?: string; detail?: string; title?: string; errors?: ProblemDetail[] };
    const error = new ApiError(
      response.status,
      problem.code ?? `HTTP_${response.status}`,
      problem.detail ?? problem.title ?? `${method} ${path} answered ${response.status}`,
      problem.errors ?? [],
    );
    if (response.status === 401 && onUnauthenticated && !path.startsWith('/api/v1/auth/')) onUnauthenticated();
    throw error;
  }
  return { data: body as T, status: response.status, headers: response.headers };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** GET returning the body only. */
export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await request<T>(path, signal ? { signal } : {})).data;
}

export async function post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  return (await request<T>(path, { method: 'POST', body: body ?? {}, ...(headers ? { headers } : {}) })).data;
}
