import { readFileSync } from 'node:fs';
import { AtomError } from '@atom/errors';
import { describe, expect, it } from 'vitest';
import { testCatalog } from '../test-support/test-catalog.js';
import { errorKeys, validate, workflowText } from '../test-support/workflow-text.js';
import { createNodeCatalog } from './node-catalog.js';
import { compileWorkflow, validateWorkflow } from './validate-workflow.js';

const triage = readFileSync(new URL('../fixtures/triage.yaml', import.meta.url), 'utf8');

describe('validateWorkflow: a valid document', () => {
  it('accepts the example of the design', () => {
    const result = validate(triage);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.workflow?.name).toBe('triage-github-issues');
  });

  it('accepts the same document given as a value', () => {
    const result = validate({ atom: 1, name: 'x', steps: [{ id: 'a', uses: 'transform', with: { v: '{{ 1 }}' } }] });
    expect(result.valid).toBe(true);
  });
});

describe('validateWorkflow: schema', () => {
  it('reports unknown, missing and mistyped fields with their paths', () => {
    const text = workflowText(
      `
- id: a
  uses: transform
  need: [b]
  timeout: soon
  retry: { attempts: 0, backoff: linear }
  onError: ignore
- uses: transform
  concurrency: 1.5`,
      'outputs: 5\n',
    );
    expect(errorKeys(text)).toEqual([
      'steps[0].need ATOM_ERR_SPEC_SCHEMA',
      'steps[0].timeout ATOM_ERR_SPEC_SCHEMA',
      'steps[0].retry.attempts ATOM_ERR_SPEC_SCHEMA',
      'steps[0].retry.backoff ATOM_ERR_SPEC_SCHEMA',
      'steps[0].onError ATOM_ERR_SPEC_SCHEMA',
      'steps[1].id ATOM_ERR_SPEC_SCHEMA',
      'steps[1].concurrency ATOM_ERR_SPEC_SCHEMA',
      'outputs ATOM_ERR_SPEC_SCHEMA',
    ]);
    const messages = validate(text).errors.map((error) => error.message);
    expect(messages).toContain('unknown field "need"');
    expect(messages).toContain('missing required field "id"');
    expect(messages.some((message) => message.includes('duration'))).toBe(true);
  });

  it('checks the top level', () => {
    expect(errorKeys({ atom: 2, name: 'Bad Name', steps: [], extra: 1 })).toEqual([
      'atom ATOM_ERR_SPEC_SCHEMA',
      'name ATOM_ERR_SPEC_SCHEMA',
      'steps ATOM_ERR_SPEC_SCHEMA',
      'extra ATOM_ERR_SPEC_SCHEMA',
    ]);
    expect(errorKeys(null)).toEqual([' ATOM_ERR_SPEC_SCHEMA']);
    expect(errorKeys('just text')).toEqual([' ATOM_ERR_SPEC_SCHEMA']);
  });

  it('wants exactly one of uses and steps, and no node fields on a group', () => {
    const text = workflowText(`
- id: neither
- id: both
  uses: transform
  steps: [{ id: inner, uses: transform }]
- id: group
  with: { a: 1 }
  retry: { attempts: 2 }
  steps: [{ id: inner2, uses: transform }]`);
    expect(errorKeys(text)).toEqual([
      'steps[0] ATOM_ERR_SPEC_SCHEMA',
      'steps[1].steps ATOM_ERR_SPEC_SCHEMA',
      'steps[2].with ATOM_ERR_SPEC_SCHEMA',
      'steps[2].retry ATOM_ERR_SPEC_SCHEMA',
    ]);
  });

  it('checks step ids, node types and ids in nested groups', () => {
    const text = workflowText(`
- id: 1st
  uses: transform
- id: g
  steps:
    - id: bad-id
      uses: Not A Type`);
    expect(errorKeys(text)).toEqual([
      'steps[0].id ATOM_ERR_SPEC_SCHEMA',
      'steps[1].steps[0].id ATOM_ERR_SPEC_SCHEMA',
      'steps[1].steps[0].uses ATOM_ERR_SPEC_SCHEMA',
    ]);
  });

  it('checks triggers', () => {
    const triggers = `triggers:
  - {}
  - { webhook: { path: hooks, verify: { scheme: md5, secret: x } } }
  - { schedule: { cron: "every day", timezone: Mars/Olympus } }
  - { schedule: { cron: "0 9 * * *", rrule: "FREQ=DAILY" } }
  - { event: { name: paid }, webhook: { path: x } }
  - { schedule: { rrule: "DAILY", catchUp: some } }
`;
    expect(errorKeys(workflowText('- { id: a, uses: transform }', triggers))).toEqual([
      'triggers[0] ATOM_ERR_SPEC_SCHEMA',
      'triggers[1].webhook.verify.scheme ATOM_ERR_SPEC_SCHEMA',
      'triggers[2].schedule.cron ATOM_ERR_SPEC_SCHEMA',
      'triggers[2].schedule.timezone ATOM_ERR_SPEC_SCHEMA',
      'triggers[3].schedule ATOM_ERR_SPEC_SCHEMA',
      'triggers[4] ATOM_ERR_SPEC_SCHEMA',
      'triggers[5].schedule.rrule ATOM_ERR_SPEC_SCHEMA',
      'triggers[5].schedule.catchUp ATOM_ERR_SPEC_SCHEMA',
    ]);
  });

  it('reports the useful branch of a union', () => {
    const text = workflowText(`
- id: a
  uses: transform
  cache: { ttl: later, key: k, extra: 1 }
- id: b
  uses: transform
  cache: false
  foreach: 3`);
    const errors = validate(text).errors;
    expect(errors.map((error) => error.path)).toEqual([
      'steps[0].cache.ttl',
      'steps[0].cache.extra',
      'steps[1].cache',
      'steps[1].foreach',
    ]);
    expect(errors[2]?.message).toBe('expected true or object, received boolean');
    expect(errors[3]?.message).toBe('expected string or array, received number');
  });

  it('refuses values that are not JSON', () => {
    const value = { atom: 1, name: 'x', steps: [{ id: 'a', uses: 'transform', with: { f: () => 1, n: Number.NaN } }] };
    expect(errorKeys(value)).toEqual(['steps[0].with.f ATOM_ERR_SPEC_SCHEMA', 'steps[0].with.n ATOM_ERR_SPEC_SCHEMA']);
  });

  it('refuses a value that contains itself', () => {
    const steps: unknown[] = [];
    steps.push({ id: 'a', steps });
    expect(errorKeys({ atom: 1, name: 'x', steps })).toEqual([' ATOM_ERR_SPEC_SCHEMA']);
  });
});

describe('validateWorkflow: steps', () => {
  it('wants unique ids across the whole document', () => {
    const text = workflowText(
      `
- id: a
  uses: transform
- id: g
  steps:
    - { id: a, uses: transform }
    - { id: g, uses: transform }`,
      'onFailure:\n  - { id: a, uses: transform }\n',
    );
    const errors = validate(text).errors.filter((error) => error.code === 'ATOM_ERR_SPEC_DUPLICATE_ID');
    expect(errors.map((error) => error.path)).toEqual([
      'steps[1].steps[0].id',
      'steps[1].steps[1].id',
      'onFailure[0].id',
    ]);
    expect(errors[0]?.message).toBe('step id "a" is already used at steps[0]');
  });

  it('wants needs to name steps of the same list', () => {
    const text = workflowText(`
- id: a
  uses: transform
- id: g
  needs: [a, ghost]
  steps:
    - { id: inner, uses: transform, needs: [a] }
    - { id: inner2, uses: transform, needs: [inner] }`);
    const errors = validate(text).errors;
    expect(errors.map((error) => `${error.path} ${error.code}`)).toEqual([
      'steps[1].needs[1] ATOM_ERR_SPEC_UNKNOWN_NEED',
      'steps[1].steps[0].needs[0] ATOM_ERR_SPEC_UNKNOWN_NEED',
    ]);
    expect(errors[0]?.message).toBe('no step "ghost"');
    expect(errors[1]?.message).toMatch(/not in the same list/);
  });

  it('finds cycles, explicit and through the implicit order', () => {
    const explicit = workflowText(`
- { id: a, uses: transform, needs: [c] }
- { id: b, uses: transform, needs: [a] }
- { id: c, uses: transform, needs: [b] }
- { id: self, uses: transform, needs: [self] }`);
    const errors = validate(explicit).errors;
    expect(errors.map((error) => `${error.path} ${error.code}`)).toEqual([
      'steps[0].needs ATOM_ERR_SPEC_CYCLE',
      'steps[3].needs ATOM_ERR_SPEC_CYCLE',
    ]);
    expect(errors[0]?.message).toBe('steps wait for each other in a cycle: a → c → b → a');
    expect(errors[1]?.message).toBe('steps wait for each other in a cycle: self → self');

    const implicit = workflowText(`
- { id: first, uses: transform, needs: [second] }
- { id: second, uses: transform }`);
    expect(validate(implicit).errors.map((error) => error.message)).toEqual([
      'steps wait for each other in a cycle: first → second → first',
    ]);
  });

  it('finds cycles inside groups', () => {
    const text = workflowText(`
- id: g
  steps:
    - { id: x, uses: transform, needs: [y] }
    - { id: y, uses: transform, needs: [x] }`);
    expect(errorKeys(text)).toEqual(['steps[0].steps[0].needs ATOM_ERR_SPEC_CYCLE']);
  });

  it('wants known node types, for compensations too', () => {
    const text = workflowText(`
- id: a
  uses: nope.missing
  compensate: { uses: also.missing }
- { id: b, uses: transform, compensate: { uses: trello.deleteCard, with: { id: 1 } } }`);
    expect(errorKeys(text)).toEqual([
      'steps[0].uses ATOM_ERR_SPEC_UNKNOWN_NODE',
      'steps[0].compensate.uses ATOM_ERR_SPEC_UNKNOWN_NODE',
    ]);
    expect(validate(text).errors[0]?.message).toBe('unknown node type "nope.missing"');
  });

  it('checks with against the input schema of the node', () => {
    const text = workflowText(`
- id: a
  uses: http.request
  with:
    method: PATCHY
    headers: { accept: 1 }
    timeoutMs: 0
    retries: maybe
    extra: true
- id: b
  uses: http.request
  with: { url: ftp://x }
- id: c
  uses: http.request
  with: { url: "{{ $inputs.url }}", timeoutMs: "{{ $inputs.t }}", retries: 3, headers: { x: "{{ 1 }}" } }
- id: d
  uses: trello.createCard
  compensate: { uses: trello.deleteCard }`);
    const errors = validate(text).errors;
    expect(errors.map((error) => `${error.path} ${error.code}`)).toEqual([
      'steps[0].with.url ATOM_ERR_SPEC_NODE_INPUT',
      'steps[0].with.method ATOM_ERR_SPEC_NODE_INPUT',
      'steps[0].with.headers.accept ATOM_ERR_SPEC_NODE_INPUT',
      'steps[0].with.timeoutMs ATOM_ERR_SPEC_NODE_INPUT',
      'steps[0].with.retries ATOM_ERR_SPEC_NODE_INPUT',
      'steps[0].with.extra ATOM_ERR_SPEC_NODE_INPUT',
      'steps[1].with.url ATOM_ERR_SPEC_NODE_INPUT',
      'steps[3].compensate.with.id ATOM_ERR_SPEC_NODE_INPUT',
    ]);
    expect(errors[0]?.message).toBe('http.request: missing required input "url"');
    expect(errors[5]?.message).toMatch(/unknown input "extra"; expected one of url, method/);
  });

  it('compiles every expression and reports syntax errors where they are', () => {
    const text = workflowText(
      `
- id: a
  uses: transform
  if: "{{ $inputs.x = }}"
  foreach: "{{ [1, 2 }}"
  with: { v: "{{ ) }}" }
  output: "{{ $output. }}"
  cache: { key: "{{ ( }}" }
  compensate: { uses: transform, with: { v: "{{ $x[ }}" } }`,
      'outputs: { r: "{{ ] }}" }\ntriggers:\n  - event: { name: x, if: "{{ $event. }}" }\n  - webhook: { path: p, verify: { scheme: hmac, secret: "{{ $secrets. }}" } }\n',
    );
    expect(errorKeys(text)).toEqual([
      'steps[0].if ATOM_ERR_SPEC_EXPRESSION',
      'steps[0].foreach ATOM_ERR_SPEC_EXPRESSION',
      'steps[0].with.v ATOM_ERR_SPEC_EXPRESSION',
      'steps[0].output ATOM_ERR_SPEC_EXPRESSION',
      'steps[0].cache.key ATOM_ERR_SPEC_EXPRESSION',
      'steps[0].compensate.with.v ATOM_ERR_SPEC_EXPRESSION',
      'outputs.r ATOM_ERR_SPEC_EXPRESSION',
      'triggers[0].event.if ATOM_ERR_SPEC_EXPRESSION',
      'triggers[1].webhook.verify.secret ATOM_ERR_SPEC_EXPRESSION',
    ]);
  });

  it('wants if and a foreach string to be one expression', () => {
    const text = workflowText(`
- { id: a, uses: transform, if: "false" }
- { id: b, uses: transform, foreach: "items: {{ $inputs.list }}" }
- { id: c, uses: transform, foreach: ["{{ $inputs.a }}", 2] }`);
    const errors = validate(text).errors;
    expect(errors.map((error) => error.path)).toEqual(['steps[0].if', 'steps[1].foreach']);
    expect(errors[0]?.message).toMatch(/expected one \{\{ \}\} expression/);
  });

  it('checks deferred inputs for syntax only', () => {
    const ok = workflowText('- { id: a, uses: wait, with: { event: paid, if: "{{ $event.id = 1 }}" } }');
    expect(validate(ok).valid).toBe(true);
    const broken = workflowText('- { id: a, uses: wait, with: { event: paid, if: "{{ $event.id = }}" } }');
    expect(errorKeys(broken)).toEqual(['steps[0].with.if ATOM_ERR_SPEC_EXPRESSION']);
  });

  it('limits the number of steps, nested ones included', () => {
    const text = workflowText(`
- { id: a, uses: transform }
- id: g
  steps: [{ id: b, uses: transform }, { id: c, uses: transform }]`);
    expect(validate(text, 3).errors).toMatchObject([{ path: 'steps', code: 'ATOM_ERR_SPEC_LIMIT' }]);
    expect(validate(text, 4).valid).toBe(true);
    const many = { atom: 1, name: 'x', steps: Array.from({ length: 1001 }, (_, i) => ({ id: `s${i}`, uses: 'log' })) };
    expect(errorKeys(many)).toEqual(['steps ATOM_ERR_SPEC_LIMIT']);
  });
});

describe('validateWorkflow: positions', () => {
  it('gives line and column of each error in a multi-line document, in reading order', () => {
    const text = [
      'atom: 1', //                                   1
      'name: positions', //                           2
      'steps:', //                                    3
      '  - id: fetch', //                             4
      '    uses: http.request', //                    5
      '    with:', //                                 6
      '      url: "https://x/{{ $inputs.id + }}"', // 7
      '  - id: post', //                              8
      '    uses: slack.post', //                      9
      '    needs: [fetch, gone]', //                  10
      '    timeout: 5 minutes', //                    11
      '',
    ].join('\n');
    expect(validate(text).errors).toEqual([
      {
        path: 'steps[0].with.url',
        message: 'Unexpected end of expression in "{{ $inputs.id + }}"',
        code: 'ATOM_ERR_SPEC_EXPRESSION',
        line: 7,
        column: 37,
      },
      {
        path: 'steps[1].uses',
        message: 'unknown node type "slack.post"',
        code: 'ATOM_ERR_SPEC_UNKNOWN_NODE',
        line: 9,
        column: 11,
      },
      {
        path: 'steps[1].needs[1]',
        message: 'no step "gone"',
        code: 'ATOM_ERR_SPEC_UNKNOWN_NEED',
        line: 10,
        column: 20,
      },
      {
        path: 'steps[1].timeout',
        message: 'expected a duration such as 500ms, 30s, 5m, 2h, 1d, or a number of milliseconds',
        code: 'ATOM_ERR_SPEC_SCHEMA',
        line: 11,
        column: 14,
      },
    ]);
  });

  it('points a missing field at its parent', () => {
    const text = 'atom: 1\nname: x\nsteps:\n  - uses: transform\n';
    expect(validate(text).errors).toEqual([
      { path: 'steps[0].id', message: 'missing required field "id"', code: 'ATOM_ERR_SPEC_SCHEMA', line: 4, column: 5 },
    ]);
  });

  it('reports YAML syntax errors with their code', () => {
    const result = validate('atom: 1\nsteps: [\n');
    expect(result.valid).toBe(false);
    expect(result.errors[0]).toMatchObject({ path: '', code: 'ATOM_ERR_SPEC_YAML_SYNTAX' });
    expect(result.errors[0]?.line).toBeGreaterThan(1);
  });

  it('gives no position for a value input', () => {
    const [error] = validate({ atom: 1, name: 'x', steps: [{ id: 'a' }] }).errors;
    expect(error).toEqual({
      path: 'steps[0]',
      message: 'a step needs either `uses` (a node type) or `steps` (a group)',
      code: 'ATOM_ERR_SPEC_SCHEMA',
    });
  });
});

describe('validateWorkflow: robustness', () => {
  it('answers, never throws, when the catalog throws', () => {
    const catalog = {
      has: () => true,
      inputSchema: () => {
        throw new Error('catalog down');
      },
    };
    const result = validateWorkflow(triage, { catalog });
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([
      { path: '', message: 'the workflow could not be validated: catalog down', code: 'ATOM_ERR_SPEC_INVALID' },
    ]);
  });

  it('works with a catalog built from node definitions', () => {
    const catalog = createNodeCatalog([{ type: 'transform' }]);
    expect(
      validateWorkflow(workflowText('- { id: a, uses: transform, with: { anything: 1 } }'), { catalog }).valid,
    ).toBe(true);
  });
});

describe('compileWorkflow', () => {
  it('returns the compiled workflow', () => {
    expect(compileWorkflow(triage, { catalog: testCatalog }).steps.size).toBe(3);
  });

  it('throws ATOM_ERR_SPEC_INVALID with every error', () => {
    const text = workflowText('- { id: a, uses: nope }\n- { id: a, uses: transform }');
    try {
      compileWorkflow(text, { catalog: testCatalog });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AtomError);
      const atomError = error as AtomError;
      expect(atomError.code).toBe('ATOM_ERR_SPEC_INVALID');
      expect(atomError.message).toBe('workflow "test-flow" has 2 errors');
      expect(atomError.details.map((detail) => detail.code)).toEqual([
        'ATOM_ERR_SPEC_UNKNOWN_NODE',
        'ATOM_ERR_SPEC_DUPLICATE_ID',
      ]);
      expect(atomError.details[0]?.line).toBe(4);
    }
  });

  it('throws the YAML syntax error as it is', () => {
    expect(() => compileWorkflow('a: [', { catalog: testCatalog })).toThrowError(
      expect.objectContaining({ code: 'ATOM_ERR_SPEC_YAML_SYNTAX' }),
    );
  });
});
