import { z } from 'zod';
import { DURATION_PATTERN } from '../duration.js';

const MESSAGE = 'expected a duration such as 500ms, 30s, 5m, 2h, 1d, or a number of milliseconds';

/** A duration: `500ms`, `30s`, `5m`, `2h`, `1d`, or a number of milliseconds (see `parseDuration`). */
export const durationSchema = z
  .union(
    [
      z.string().regex(new RegExp(DURATION_PATTERN), { error: MESSAGE }),
      z.number().nonnegative({ error: MESSAGE }).finite({ error: MESSAGE }),
    ],
    { error: MESSAGE },
  )
  .meta({
    id: 'Duration',
    description: 'A duration: a string like `500ms`, `30s`, `5m`, `2h`, `1d`, or a number of milliseconds.',
  });
