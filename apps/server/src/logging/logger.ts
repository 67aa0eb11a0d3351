/**
 * Structured JSON logs (pino), one line per event, carrying `runId` and `stepKey` where they apply.
 * Secret values never reach the output: every line is scrubbed of each known secret value (and its
 * common encodings) just before it is written, whatever field or message carried it, and
 * credential headers are removed by path.
 */
import { REDACTED, redactText, secretForms } from '@atom/engine';
import { type DestinationStream, type Logger, pino } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** The secret values to scrub; read on every line, so rotated secrets apply at once. */
  secretValues: () => readonly string[];
  destination?: DestinationStream;
}

/**
 * The line with every secret value, and every common encoding of one (base64, base64url, hex, URL
 * and JSON escaping: the engine's `secretForms`), replaced by [redacted].
 */
export function scrubSecrets(line: string, secrets: readonly string[]): string {
  return redactText(line, formsOf(secrets));
}

// The forms of the last list seen: the list changes when a secret does, not on every line.
let lastValues: readonly string[] = [];
let lastForms: string[] = [];

function formsOf(values: readonly string[]): string[] {
  if (values.length !== lastValues.length || values.some((value, index) => value !== lastValues[index])) {
    lastValues = [...values];
    lastForms = secretForms(values);
  }
  return lastForms;
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
