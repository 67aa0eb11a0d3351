/** Stands in for `node:crypto` in the browser build: @atom/spec hashes documents only on the server. */
export function createHash(): never {
  throw new Error('node:crypto is not available in the browser');
}
