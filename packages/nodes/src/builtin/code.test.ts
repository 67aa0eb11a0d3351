import { AtomError } from '@atom/errors';
import { describe, expect, it } from 'vitest';
import { errorOf, outputOf } from '../test-support/node-context.js';
import { createCodeNode, DEFAULT_CODE_LIMITS } from './code.js';

const MiB = 1024 * 1024;
const node = createCodeNode({ memoryBytes: 16 * MiB, timeoutMs: 2_000 });
const quick = createCodeNode({ memoryBytes: 16 * MiB, timeoutMs: 200 });

const run = (code: string, input?: unknown) => outputOf(node, { code, ...(input === undefined ? {} : { input }) });
const fail = (code: string, input?: unknown) => errorOf(node, { code, ...(input === undefined ? {} : { input }) });

describe('code', () => {
  it('returns the JSON value the code returns', async () => {
    expect(await run('return { sum: input.a + input.b, list: [1, "two", null, true] }', { a: 1, b: 2 })).toEqual({
      sum: 3,
      list: [1, 'two', null, true],
    });
    expect(
      await run('return input.items.filter((item) => item.ok).map((item) => item.id)', {
        items: [
          { id: 1, ok: true },
          { id: 2, ok: false },
        ],
      }),
    ).toEqual([1]);
  });

  it('returns null for no value and for no input', async () => {
    expect(await run('const x = 1;')).toBeNull();
    expect(await run('return input')).toBeNull();
  });

  it('allows await on promises made inside the sandbox', async () => {
    expect(await run('const v = await Promise.resolve(20); return v + 1')).toBe(21);
  });

  it('fails when it awaits something that can never settle', async () => {
    expect(await fail('await new Promise(() => {})')).toMatchObject({
      code: 'ATOM_ERR_CODE_ERROR',
      message: /never settles/,
    });
  });

  it('works on a copy of its input', async () => {
    const input = { n: 1 };
    await run('input.n = 2; return input', input);
    expect(input).toEqual({ n: 1 });
  });

  it('reports thrown errors as ATOM_ERR_CODE_ERROR with the JS message', async () => {
    const error = await fail('throw new TypeError("boom")');
    expect(error).toBeInstanceOf(AtomError);
    expect(error).toMatchObject({ code: 'ATOM_ERR_CODE_ERROR', message: 'TypeError: boom', retryable: false });
    expect(await fail('throw { reason: 42 }')).toMatchObject({ code: 'ATOM_ERR_CODE_ERROR', message: /42/ });
    expect(await fail('await Promise.reject(new RangeError("late"))')).toMatchObject({ message: 'RangeError: late' });
    expect(await fail('return (')).toMatchObject({ code: 'ATOM_ERR_CODE_ERROR', message: /^SyntaxError/ });
  });

  it("points the error's stack at the user's own lines, briefly", async () => {
    const error = (await fail('const a = 1;\nnull.x')) as AtomError;
    expect(error.data?.stack).toMatch(/code:2:/);
    expect(error.data?.stack).not.toMatch(/atom-code/);
    const deep = (await fail('function f(n) { return f(n + 1) + 1 } return f(0)')) as AtomError;
    expect(String(deep.data?.stack).split('\n').length).toBeLessThanOrEqual(11);
  });

  it('refuses a result that is not JSON', async () => {
    expect(await fail('return () => 1')).toMatchObject({ code: 'ATOM_ERR_CODE_ERROR', message: /must return JSON/ });
    expect(await fail('return { f() {} }')).toMatchObject({ code: 'ATOM_ERR_CODE_ERROR', message: /"f"/ });
    expect(await fail('return Symbol("s")')).toMatchObject({ code: 'ATOM_ERR_CODE_ERROR' });
    expect(await fail('return 10n')).toMatchObject({ code: 'ATOM_ERR_CODE_ERROR' });
  });

  it('stops an endless loop at the time limit', async () => {
    const error = await errorOf(quick, { code: 'while (true) {}' });
    expect(error).toMatchObject({ code: 'ATOM_ERR_CODE_TIMEOUT', retryable: false });
  });

  it('cannot catch its way past the time limit, nor hide in the job queue', async () => {
    const catching = 'for (;;) { try { while (true) {} } catch (e) {} }';
    expect(await errorOf(quick, { code: catching })).toMatchObject({ code: 'ATOM_ERR_CODE_TIMEOUT' });
    expect(await errorOf(quick, { code: 'for (;;) await null' })).toMatchObject({ code: 'ATOM_ERR_CODE_TIMEOUT' });
  });

  it.each([
    ['growing arrays', 'const a = []; for (;;) a.push(new Array(1000).fill(1))'],
    ['many strings', 'const a = []; let i = 0; for (;;) a.push("x".repeat(1000) + i++)'],
    ['a doubling string', 'let s = "x"; for (;;) s = s + s'],
    ['typed arrays', 'const a = []; for (;;) a.push(new Uint8Array(1024 * 1024))'],
    ['one huge allocation', 'return new Array(1e9).fill(0).length'],
  ])('stops a memory bomb (%s) at the memory limit', async (_name, code) => {
    const error = await fail(code);
    expect(error).toMatchObject({ code: 'ATOM_ERR_CODE_MEMORY', retryable: false });
  });

  it('fails deep recursion cleanly', async () => {
    const error = await fail('function f(n) { return f(n + 1) + 1 } return f(0)');
    expect(error).toMatchObject({ code: 'ATOM_ERR_CODE_ERROR', message: /stack overflow/ });
    expect(await run('function f(n) { return n === 0 ? 0 : 1 + f(n - 1) } return f(500)')).toBe(500);
  });

  it('has no host access', async () => {
    const names = ['process', 'require', 'fetch', 'std', 'os', 'setTimeout', 'XMLHttpRequest', 'WebAssembly', 'module'];
    const code = `return [${names.map((name) => `typeof ${name}`).join(', ')}]`;
    expect(await run(code)).toEqual(names.map(() => 'undefined'));
    expect(await run('return [typeof globalThis.__atomSource, typeof globalThis.__atomInput]')).toEqual([
      'undefined',
      'undefined',
    ]);
  });

  it.each([
    ['process.exit(1)', /process is not defined/],
    ['require("fs").readFileSync("/etc/passwd")', /require is not defined/],
    ['await fetch("http://169.254.169.254/")', /fetch is not defined/],
    ['std.open("/etc/passwd", "r")', /std is not defined/],
    ['os.exec(["ls"])', /os is not defined/],
    ['await import("fs")', /./],
  ])('fails when code tries host APIs: %s', async (code, message) => {
    expect(await fail(code)).toMatchObject({ code: 'ATOM_ERR_CODE_ERROR', message });
  });

  it('stops at once when the step was already aborted', async () => {
    const controller = new AbortController();
    const reason = new AtomError('ATOM_ERR_STEP_TIMEOUT', 'step ran past its timeout');
    controller.abort(reason);
    expect(await errorOf(node, { code: 'while (true) {}' }, { signal: controller.signal })).toBe(reason);
  });

  it('keeps working after a memory bomb', async () => {
    await fail('const a = []; for (;;) a.push("y".repeat(4096))');
    expect(await run('return 1 + 1')).toBe(2);
  });

  it('does not leak across 200 sequential calls', async () => {
    const code = 'const rows = []; for (let i = 0; i < 2000; i++) rows.push({ i, s: "v" + i }); return rows.length';
    for (let i = 0; i < 20; i++) await run(code);
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 200; i++) expect(await run(code)).toBe(2000);
    const grownMiB = (process.memoryUsage().rss - before) / MiB;
    // Each call's instance (16 MiB + limit) is dropped; a leak would hold 200 of them (> 3 GiB).
    expect(grownMiB).toBeLessThan(256);
  });

  it('refuses nonsensical limits', () => {
    expect(() => createCodeNode({ ...DEFAULT_CODE_LIMITS, timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => createCodeNode({ ...DEFAULT_CODE_LIMITS, memoryBytes: Number.NaN })).toThrow(/memoryBytes/);
  });
});
