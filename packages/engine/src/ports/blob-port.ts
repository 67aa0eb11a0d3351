/**
 * BlobPort: storage for step outputs too large to keep inline in the store.
 * In: bytes. Out: an opaque reference string that `get` turns back into the same bytes.
 */
export interface BlobPort {
  put(bytes: Uint8Array): Promise<string>;
  get(ref: string): Promise<Uint8Array>;
  /**
   * Deletes the blob unless it was stored (or stored again: `put` of the same bytes) at or after
   * `unusedSince`; true when it is gone. Used by data retention; a store without it keeps blobs.
   */
  remove?(ref: string, unusedSince: number): Promise<boolean>;
}
