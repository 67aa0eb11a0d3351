import type { ErrorCode } from '@atom/errors';
import type { PathSegment } from '../path.js';

/** One finding of a check, before it is printed and located in the source. */
export interface Problem {
  path: PathSegment[];
  message: string;
  code: ErrorCode;
  /** 0-based character inside the string value at `path` (expression errors). */
  offset?: number;
}
