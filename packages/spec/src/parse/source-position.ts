/** A place in a source text; both 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}
