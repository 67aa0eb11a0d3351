/**
 * The workflow of the chaos test and what each of its runs must end with. Started with `n` (API
 * input, or the webhook body's `n`), it runs two parallel branches (`a1 → a2`, `b1`), a foreach
 * of three items beside them, and a join; every step but `init` calls the counter server, so each
 * execution is counted under the step's idempotency key. `b1` fails `n mod 3` times with 503
 * before it succeeds: the retries are part of the load.
 */

export const HOOK_SECRET = 'chaos-hook-secret';

function call(id: string, needs: string[], value: string, path = "'/hit'"): string {
  return [
    `  - id: ${id}`,
    `    needs: [${needs.join(', ')}]`,
    '    uses: http.request',
    '    with:',
    `      url: "{{ $vars.COUNTER & ${path} }}"`,
    '      method: POST',
    `      body: { v: "{{ ${value} }}" }`,
    '    output: "{{ $output.body.echo.v }}"',
  ].join('\n');
}

export const CHAOS_WORKFLOW = [
  'atom: 1',
  'name: chaos',
  'inputs: { type: object, properties: { n: { type: integer } } }',
  'triggers:',
  '  - webhook: { path: chaos-plain }',
  '  - webhook: { path: chaos-signed, verify: { scheme: github, secret: "{{ $secrets.CHAOS_HOOK }}" } }',
  'defaults:',
  '  retry: { attempts: 5, backoff: fixed, delay: 20ms }',
  'steps:',
  '  - id: init',
  '    uses: transform',
  '    with: { n: "{{ $exists($inputs.n) ? $inputs.n : $trigger.body.n }}" }',
  call('a1', ['init'], '$steps.init.output.n + 1'),
  call('a2', ['a1'], '$steps.a1.output * 2'),
  call('b1', ['init'], '$steps.init.output.n * 3', "'/flaky/' & $string($steps.init.output.n % 3)"),
  '  - id: loop',
  '    needs: [init]',
  '    foreach: "{{ [1, 2, 3] }}"',
  '    concurrency: 2',
  '    uses: http.request',
  '    with:',
  `      url: "{{ $vars.COUNTER & '/hit' }}"`,
  '      method: POST',
  '      body: { v: "{{ $steps.init.output.n * 10 + $item }}" }',
  '    output: "{{ $output.body.echo.v }}"',
  call('join', ['a2', 'b1', 'loop'], '$steps.a2.output + $steps.b1.output + $sum($steps.loop.output)'),
  'outputs:',
  '  n: "{{ $steps.init.output.n }}"',
  '  a: "{{ $steps.a2.output }}"',
  '  b: "{{ $steps.b1.output }}"',
  '  loop: "{{ $steps.loop.output }}"',
  '  join: "{{ $steps.join.output }}"',
  '',
].join('\n');

/** The outputs a run started with `n` must end with. */
export function expectedOutputs(n: number): Record<string, unknown> {
  const loop = [10 * n + 1, 10 * n + 2, 10 * n + 3];
  const a = (n + 1) * 2;
  const b = 3 * n;
  return { n, a, b, loop, join: a + b + loop.reduce((sum, v) => sum + v, 0) };
}

/** Every step row of one run (the foreach container and its iterations included). */
export const STEP_KEYS = ['init', 'a1', 'a2', 'b1', 'loop', 'loop[0]', 'loop[1]', 'loop[2]', 'join'];

/** The keys that call the counter server, each with the requests it needs to succeed once. */
export function counterCalls(n: number): Array<[key: string, needed: number]> {
  return [
    ['a1', 1],
    ['a2', 1],
    ['b1', 1 + (n % 3)],
    ['loop[0]', 1],
    ['loop[1]', 1],
    ['loop[2]', 1],
    ['join', 1],
  ];
}
