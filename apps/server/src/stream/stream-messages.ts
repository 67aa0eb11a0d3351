/**
 * The messages a client sends on `GET /api/v1/stream` (docs/api.md, "Live stream"), checked field
 * by field: a bad one is answered with an error naming the field, never guessed at.
 */
import { AtomError } from '@atom/errors';

export type ClientMessage =
  | { type: 'subscribe'; id: string; target: SubscribeTarget; after?: number }
  | { type: 'unsubscribe'; id: string }
  | { type: 'ping' };

/** As the client named it: a run id, a workflow id or name, or the whole workspace. */
export type SubscribeTarget = { run: string } | { workflow: string } | { workspace: true };

const MAX_ID_LENGTH = 200;

function bad(message: string, id?: unknown): never {
  throw Object.assign(new AtomError('ATOM_ERR_STREAM_BAD_MESSAGE', message), {
    subscriptionId: typeof id === 'string' ? id : undefined,
  });
}

function text(value: unknown, field: string, id?: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
    bad(`${field}: expected a string of 1 to ${MAX_ID_LENGTH} characters`, id);
  }
  return value;
}

/** Parses one text frame; throws ATOM_ERR_STREAM_BAD_MESSAGE (with `subscriptionId` when known). */
export function parseClientMessage(raw: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    bad('the message is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('the message must be a JSON object');
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ping':
      return { type: 'ping' };
    case 'unsubscribe':
      return { type: 'unsubscribe', id: text(message.id, 'id', message.id) };
    case 'subscribe':
      return parseSubscribe(message);
    default:
      return bad(
        message.type === undefined
          ? 'type: missing; expected "subscribe", "unsubscribe" or "ping"'
          : `type: unknown "${String(message.type).slice(0, 50)}"; expected "subscribe", "unsubscribe" or "ping"`,
        message.id,
      );
  }
}

function parseSubscribe(message: Record<string, unknown>): ClientMessage {
  const id = text(message.id, 'id', message.id);
  const named = ['run', 'workflow', 'workspace'].filter((key) => message[key] !== undefined);
  if (named.length !== 1) bad('subscribe: name exactly one of "run", "workflow" or "workspace"', id);
  let target: SubscribeTarget;
  if (message.run !== undefined) target = { run: text(message.run, 'run', id) };
  else if (message.workflow !== undefined) target = { workflow: text(message.workflow, 'workflow', id) };
  else if (message.workspace === true) target = { workspace: true };
  else return bad('workspace: expected true', id);
  const { after } = message;
  if (after === undefined || after === null) return { type: 'subscribe', id, target };
  if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0) {
    bad('after: expected an event id (a whole number, 0 or more)', id);
  }
  return { type: 'subscribe', id, target, after };
}
