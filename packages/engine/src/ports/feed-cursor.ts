/**
 * Event feed cursors (StorePort.readEventFeed): `<tx>:<id>`, two decimal numbers compared as a
 * pair. Both adapters hand them out in this form, so the stream can tell which of two positions
 * comes first without asking the store.
 */

function parts(cursor: string): [bigint, bigint] {
  const match = /^(\d+):(\d+)$/.exec(cursor);
  return match ? [BigInt(match[1] as string), BigInt(match[2] as string)] : [0n, 0n];
}

/** Negative when `a` comes before `b`, 0 when equal, positive after. */
export function compareFeedCursors(a: string, b: string): number {
  const [aTx, aId] = parts(a);
  const [bTx, bId] = parts(b);
  if (aTx !== bTx) return aTx < bTx ? -1 : 1;
  return aId === bId ? 0 : aId < bId ? -1 : 1;
}

/** The cursor `<tx>:<id>`; malformed text reads as the feed's start. */
export function parseFeedCursor(cursor: string): { tx: string; id: number } {
  const [tx, id] = parts(cursor);
  return { tx: String(tx), id: Number(id) };
}

/**
 * Where a reader that had the event at `position` resumes: just past it, or null when the event is
 * gone (`undefined`) or retention pruned a later event of the workspace (`pruned`, the position of
 * the last event it deleted, lies past `position`).
 */
export function resumeAfter(event: { position: string; pruned: string | null } | undefined): string | null {
  if (event === undefined) return null;
  if (event.pruned !== null && compareFeedCursors(event.pruned, event.position) > 0) return null;
  const [tx, id] = parts(event.position);
  return `${tx}:${id + 1n}`;
}
