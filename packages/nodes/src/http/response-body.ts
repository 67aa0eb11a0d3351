/** Turns response bytes into the step output's `body`: parsed JSON or text. */
import { AtomError } from '@atom/errors';

export type ResponseType = 'auto' | 'json' | 'text';

const JSON_TYPE = /^application\/(.+\+)?json$|^text\/json$/;

/**
 * `json` parses (and fails when the body is not JSON); `text` decodes with the charset of
 * Content-Type (UTF-8 by default); `auto` parses JSON content types and falls back to text. An
 * empty body is null (`''` for `text`).
 */
export function decodeBody(bytes: Buffer, contentType: string | undefined, responseType: ResponseType): unknown {
  if (bytes.length === 0) return responseType === 'text' ? '' : null;
  const [mediaType = '', ...params] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  const text = decodeText(bytes, params.find((param) => param.startsWith('charset='))?.slice('charset='.length));
  if (responseType === 'text') return text;
  if (responseType === 'auto' && !JSON_TYPE.test(mediaType)) return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    if (responseType === 'auto') return text;
    throw new AtomError(
      'ATOM_ERR_NODE_FAILED',
      `the response body is not JSON (${mediaType || 'no content type'}): ${(error as Error).message}`,
      { retryable: false, data: { body: text.slice(0, 2048) } },
    );
  }
}

function decodeText(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset?.replace(/"/g, '') || 'utf-8').decode(bytes);
  } catch {
    // An unknown charset label: UTF-8 is the best guess left.
    return new TextDecoder('utf-8').decode(bytes);
  }
}
