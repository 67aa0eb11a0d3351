/**
 * A line diff of two texts, for the version history when both versions have their source text:
 * comments and layout are changes a document diff cannot show. The common head and tail are cut
 * first (an edit usually touches a few lines), then the rest is a longest common subsequence.
 * Pure functions, no React.
 */

export interface DiffLine {
  kind: 'same' | 'removed' | 'added';
  text: string;
  /** 1-based line in the old text (same, removed) or the new one (added). */
  line: number;
}

/** One run of changes with up to `context` unchanged lines around it. */
export interface DiffHunk {
  lines: DiffLine[];
}

// Above this many cells the middle is shown as all removed, then all added: still a true diff.
const MAX_CELLS = 4_000_000;

const splitLines = (text: string) => (text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/));

/** Every line of both texts in order, each same, removed or added. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const out: DiffLine[] = a.slice(0, head).map((text, i) => ({ kind: 'same', text, line: i + 1 }));
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  out.push(...diffMiddle(midA, midB, head));
  for (let i = a.length - tail; i < a.length; i++) out.push({ kind: 'same', text: a[i] as string, line: i + 1 });
  return out;
}

function diffMiddle(a: string[], b: string[], offset: number): DiffLine[] {
  const removed = (i: number): DiffLine => ({ kind: 'removed', text: a[i] as string, line: offset + i + 1 });
  const added = (j: number): DiffLine => ({ kind: 'added', text: b[j] as string, line: offset + j + 1 });
  if ((a.length + 1) * (b.length + 1) > MAX_CELLS) {
    return [...a.map((_, i) => removed(i)), ...b.map((_, j) => added(j))];
  }
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..], in one flat array.
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] as number) + 1
          : Math.max(lcs[(i + 1) * width + j] as number, lcs[i * width + j + 1] as number);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i] as string, line: offset + i + 1 });
      i++;
      j++;
    } else if (
      i < a.length &&
      (j === b.length || (lcs[(i + 1) * width + j] as number) >= (lcs[i * width + j + 1] as number))
    ) {
      out.push(removed(i++));
    } else {
      out.push(added(j++));
    }
  }
  return out;
}

/** The changed lines with `context` unchanged lines each side; none when the texts are equal. */
export function diffHunks(lines: DiffLine[], context = 2): DiffHunk[] {
  const keep = lines.map(() => false);
  lines.forEach((line, index) => {
    if (line.kind === 'same') return;
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k++) keep[k] = true;
  });
  const hunks: DiffHunk[] = [];
  let current: DiffLine[] | null = null;
  lines.forEach((line, index) => {
    if (!keep[index]) {
      current = null;
      return;
    }
    if (current === null) {
      current = [];
      hunks.push({ lines: current });
    }
    current.push(line);
  });
  return hunks;
}
