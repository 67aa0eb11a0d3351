/**
 * Time-ordered ids (UUID version 7 layout, RFC 9562): sortable by creation time, so cursors over
 * runs are stable and "first come" can break ties, and unique without coordination between
 * processes. Within one millisecond a process counts up in the 12 `rand_a` bits (the RFC's
 * method 1), so its ids keep their creation order there too; when the clock goes back, or after
 * 2,048 ids in one millisecond, the order within that millisecond is no longer promised.
 */
let lastMs = -1;
let counter = 0;

export function newId(now: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  if (now === lastMs && counter < 0xfff) {
    counter++;
  } else {
    // A random start in the lower half leaves room to count up within the millisecond.
    counter = (((bytes[6] as number) << 8) | (bytes[7] as number)) & 0x7ff;
    lastMs = now;
  }
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
