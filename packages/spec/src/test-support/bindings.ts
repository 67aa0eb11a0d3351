import type { ExpressionBindings } from '../expression/expression-bindings.js';

/** Bindings with every field set, overridable. */
export function testBindings(overrides: Partial<ExpressionBindings> = {}): ExpressionBindings {
  return {
    inputs: { name: 'Ada', count: 3, tags: ['a', 'b'] },
    trigger: { body: { issue: { title: 'Crash', body: 'on start' } } },
    steps: {
      fetch: { output: { status: 200, items: [1, 2, 3] }, status: 'succeeded', error: null },
      broken: { output: null, status: 'failed', error: { code: 'ATOM_ERR_HTTP_STATUS' } },
    },
    run: { id: 'run_1', workflow: 'demo', version: 2, attempt: 1 },
    vars: { LIST: 'triage' },
    secrets: { TOKEN: 's3cret' },
    ...overrides,
  };
}
