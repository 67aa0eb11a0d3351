/**
 * BlobPort: storage for step outputs too large to keep inline in the store.
 * In: bytes. Out: an opaque reference string that `get` turns back into the same bytes.
 */
export interface BlobPort {
  put(bytes: Uint8Array): Promise<string>;
  get(ref: string): Promise<Uint8Array>;
}
