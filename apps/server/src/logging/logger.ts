/**
 * Structured JSON logs (pino), one line per event, carrying `runId` and `stepKey` where they apply.
 * Secret values never reach the output: every line is scrubbed of each known secret value (also in
 * its JSON-escaped form) just before it is written, whatever field or message carried it, and
 * credential headers are removed by path.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** The secret values to scrub; read on every line, so rotated secrets apply at once. */
  secretValues: () => readonly string[];
  destination?: DestinationStream;
}

const REDACTED = '[redacted]';
/** Values this short would scrub ordinary words; such secrets are refused elsewhere, not matched here. */
const MIN_SECRET_LENGTH = 4;

export function scrubSecrets(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    const escaped = JSON.stringify(secret).slice(1, -1);
    out = out.replaceAll(secret, REDACTED);
    if (escaped !== secret) out = out.replaceAll(escaped, REDACTED);
  }
  return out;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie'],
        censor: REDACTED,
      },
      hooks: { streamWrite: (line) => scrubSecrets(line, options.secretValues()) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
