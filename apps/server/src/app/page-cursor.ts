/**
 * Opaque page cursors: the keyset position of the last item of a page, as base64url JSON. A cursor
 * that does not decode is a request error naming the `cursor` parameter, never a silent first page.
 */
import { AtomError } from '@atom/errors';

export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string, isValid: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!isValid(value)) {
    throw new AtomError('ATOM_ERR_REQUEST_INVALID', 'querystring.cursor is not a cursor this API returned', {
      details: [{ path: 'querystring.cursor', message: 'expected the nextCursor of a previous page' }],
    });
  }
  return value;
}
