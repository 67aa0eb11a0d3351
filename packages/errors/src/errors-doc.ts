import { ERROR_REGISTRY } from './registry.js';

/** Renders docs/errors.md from the registry; a test checks the committed file against it. */
export function renderErrorsDoc(): string {
  const lines = [
    '# Error codes',
    '',
    'Every error Atom shows has one of these stable codes. The API answers with RFC 9457',
    'problem+json whose `code` is one of them; the CLI prints the code before the message.',
    '"Retryable" says whether a step that failed with it is run again under its `retry` policy.',
    '',
    'This file is generated from `packages/errors/src/registry.ts` by `npm run docs:errors`.',
    '',
    '| code | HTTP | retryable | meaning |',
    '| --- | --- | --- | --- |',
  ];
  for (const [code, spec] of Object.entries(ERROR_REGISTRY)) {
    lines.push(
      `| \`${code}\` | ${spec.status} | ${spec.retryable ? 'yes' : 'no'} | **${spec.title}.** ${spec.description} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
