/**
 * The API through real HTTP, every endpoint and its error answers, written once and run on each
 * store (api-sqlite.test.ts, api-postgres.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AtomStore, type ServerHarness, startServer } from '../support/server-harness.js';
import { until as waitUntil } from '../support/until.js';

const HELLO = `atom: 1
name: hello-api
description: Says hello
inputs:
  type: object
  properties: { who: { type: string } }
steps:
  - id: greet
    uses: transform
    with: { text: "{{ 'hello ' & $inputs.who }}" }
  - id: shout
    uses: transform
    with: { text: "{{ $uppercase($steps.greet.output.text) }}" }
outputs:
  text: "{{ $steps.shout.output.text }}"
`;

const problemOf = (json: { code: string }) => json.code;

export function describeApi(name: string, openStore?: (dir: string) => Promise<AtomStore>) {
  describe(`API on ${name}`, () => {
    let h: ServerHarness;
    beforeAll(async () => {
      h = await startServer({ ...(openStore ? { openStore } : {}), bodyLimitBytes: 64 * 1024 });
    });
    afterAll(async () => h?.close());

    const yaml = (
      text: string,
      path = '/api/v1/workflows',
      method = 'POST',
      headers: Record<string, string> = {},
      token?: string,
    ) =>
      h.api(path, {
        method,
        rawBody: text,
        headers: { 'content-type': 'application/yaml', ...headers },
        ...(token ? { token } : {}),
      });

    describe('authentication', () => {
      it('refuses a request without a token with 401 ATOM_ERR_AUTH_REQUIRED', async () => {
        const res = await h.api('/api/v1/workflows', { token: null });
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.json).toMatchObject({ status: 401, code: 'ATOM_ERR_AUTH_REQUIRED', type: expect.any(String) });
      });

      it('refuses an unknown token with 401 ATOM_ERR_AUTH_INVALID', async () => {
        const res = await h.api('/api/v1/workflows', { token: 'atom_not-a-real-token' });
        expect(res.status).toBe(401);
        expect(problemOf(res.json)).toBe('ATOM_ERR_AUTH_INVALID');
      });

      it('refuses a role without the permission with 403 ATOM_ERR_FORBIDDEN', async () => {
        const res = await yaml(
          HELLO.replace('hello-api', 'viewer-try'),
          '/api/v1/workflows',
          'POST',
          {},
          h.tokens.viewer,
        );
        expect(res.status).toBe(403);
        expect(problemOf(res.json)).toBe('ATOM_ERR_FORBIDDEN');
        const read = await h.api('/api/v1/workflows', { token: h.tokens.viewer });
        expect(read.status).toBe(200);
      });

      it('leaves health, metrics and the API description public', async () => {
        expect((await h.api('/health/live', { token: null })).status).toBe(200);
        expect((await h.api('/metrics', { token: null })).status).toBe(200);
        const openapi = await h.api('/api/v1/openapi.json', { token: null });
        expect(openapi.status).toBe(200);
        expect(openapi.json.openapi).toBe('3.1.0');
        expect(Object.keys(openapi.json.paths)).toEqual(
          expect.arrayContaining(['/api/v1/workflows', '/api/v1/runs/{id}', '/api/v1/events']),
        );
        expect(Object.keys(openapi.json.paths).some((path) => path.startsWith('/hooks/'))).toBe(true);
        // Every documented /api/v1 operation says what it needs (bearer) and how it fails.
        for (const [path, operations] of Object.entries(openapi.json.paths as Record<string, object>)) {
          if (!path.startsWith('/api/v1/') || path === '/api/v1/schema') continue;
          for (const operation of Object.values(operations) as {
            responses: Record<string, unknown>;
            security?: [];
          }[]) {
            if (operation.security?.length === 0) continue; // public: login, setup
            expect(Object.keys(operation.responses), path).toEqual(expect.arrayContaining(['401', '403']));
          }
        }
        const docs = await fetch(`${h.url}/api/docs/`);
        expect(docs.status).toBe(200);
        expect(await docs.text()).toContain('swagger');
        const schema = await h.api('/api/v1/schema', { token: null });
        expect(schema.json.$schema).toContain('2020-12');
      });
    });

    describe('workflows', () => {
      let id: string;

      it('creates from YAML (201 with id, name, version) and reads it back by name and id', async () => {
        const res = await yaml(HELLO);
        expect(res.status).toBe(201);
        expect(res.json).toMatchObject({ name: 'hello-api', version: 1 });
        id = res.json.id;
        const byName = await h.api('/api/v1/workflows/hello-api');
        expect(byName.json).toMatchObject({ id, name: 'hello-api', version: 1, description: 'Says hello' });
        expect(byName.json.document.steps).toHaveLength(2);
        expect(byName.headers.get('etag')).toBe('"1"');
        const byId = await h.api(`/api/v1/workflows/${id}`);
        expect(byId.json.name).toBe('hello-api');
        const asYaml = await h.api('/api/v1/workflows/hello-api?format=yaml');
        expect(asYaml.headers.get('content-type')).toContain('application/yaml');
        expect(asYaml.text).toContain('name: hello-api');
      });

      it('creates from JSON', async () => {
        const res = await h.api('/api/v1/workflows', {
          body: { atom: 1, name: 'json-made', steps: [{ id: 'a', uses: 'log', with: { message: 'x' } }] },
        });
        expect(res.status).toBe(201);
      });

      it('refuses a taken name with 409 ATOM_ERR_WORKFLOW_EXISTS', async () => {
        const res = await yaml(HELLO);
        expect(res.status).toBe(409);
        expect(problemOf(res.json)).toBe('ATOM_ERR_WORKFLOW_EXISTS');
      });

      it('answers bad JSON with 400 ATOM_ERR_REQUEST_JSON', async () => {
        const res = await h.api('/api/v1/workflows', {
          method: 'POST',
          rawBody: '{"atom": 1,',
          headers: { 'content-type': 'application/json' },
        });
        expect(res.status).toBe(400);
        expect(problemOf(res.json)).toBe('ATOM_ERR_REQUEST_JSON');
      });

      it('answers bad YAML with 400 and the line and column', async () => {
        const res = await yaml('atom: 1\nname: x\nsteps:\n  - id: [unclosed\n');
        expect(res.status).toBe(400);
        expect(problemOf(res.json)).toBe('ATOM_ERR_SPEC_YAML_SYNTAX');
        expect(res.json.errors[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
      });

      it('answers an invalid document with 422, each error with path, line and column', async () => {
        const res = await yaml('atom: 1\nname: broken\nsteps:\n  - id: a\n    uses: no.such\n    colour: red\n');
        expect(res.status).toBe(422);
        expect(problemOf(res.json)).toBe('ATOM_ERR_SPEC_INVALID');
        const paths = res.json.errors.map((e: { path: string }) => e.path);
        expect(paths).toEqual(expect.arrayContaining(['steps[0].uses', 'steps[0].colour']));
        expect(res.json.errors[0].line).toBeGreaterThan(0);
      });

      it('refuses an unsupported content type with 415', async () => {
        const res = await h.api('/api/v1/workflows', {
          method: 'POST',
          rawBody: 'x',
          headers: { 'content-type': 'application/xml' },
        });
        expect(res.status).toBe(415);
        expect(problemOf(res.json)).toBe('ATOM_ERR_REQUEST_MEDIA_TYPE');
      });

      it('refuses an oversized body with 413', async () => {
        const res = await h.api('/api/v1/workflows/validate', {
          method: 'POST',
          rawBody: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }),
          headers: { 'content-type': 'application/json' },
        });
        expect(res.status).toBe(413);
        expect(problemOf(res.json)).toBe('ATOM_ERR_REQUEST_TOO_LARGE');
      });

      it('stores an update as a new version; a stale If-Match gets 409 and changes nothing', async () => {
        const v2 = HELLO.replace('Says hello', 'Says hello, v2');
        const ok = await yaml(v2, '/api/v1/workflows/hello-api', 'PUT', { 'if-match': '"1"' });
        expect(ok.status).toBe(200);
        expect(ok.json).toMatchObject({ version: 2, created: true });
        const stale = await yaml(HELLO.replace('Says hello', 'lost edit'), '/api/v1/workflows/hello-api', 'PUT', {
          'if-match': '1',
        });
        expect(stale.status).toBe(409);
        expect(problemOf(stale.json)).toBe('ATOM_ERR_WORKFLOW_VERSION_CONFLICT');
        const same = await yaml(v2, '/api/v1/workflows/hello-api', 'PUT');
        expect(same.json).toMatchObject({ version: 2, created: false });
        const renamed = await yaml(HELLO.replace('hello-api', 'other-name'), '/api/v1/workflows/hello-api', 'PUT');
        expect(renamed.status).toBe(422);
        expect((await h.api('/api/v1/workflows/hello-api')).json.description).toBe('Says hello, v2');
      });

      it('lists versions, reads one, diffs two and rolls back', async () => {
        const versions = await h.api('/api/v1/workflows/hello-api/versions');
        expect(versions.json.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
        const v1 = await h.api('/api/v1/workflows/hello-api/versions/1');
        expect(v1.json.document.description).toBe('Says hello');
        expect((await h.api('/api/v1/workflows/hello-api/versions/9')).status).toBe(404);
        const diff = await h.api('/api/v1/workflows/hello-api/diff?from=1&to=2');
        expect(diff.json.changes).toEqual([
          { path: 'description', kind: 'changed', before: 'Says hello', after: 'Says hello, v2' },
        ]);
        const rollback = await h.api('/api/v1/workflows/hello-api/rollback', { body: { version: 1 } });
        expect(rollback.json).toMatchObject({ version: 3, rolledBackTo: 1 });
        expect((await h.api('/api/v1/workflows/hello-api')).json.description).toBe('Says hello');
        const unknownField = await h.api('/api/v1/workflows/hello-api/rollback', { body: { version: 1, force: true } });
        expect(unknownField.status).toBe(400);
        expect(unknownField.json.errors[0]).toMatchObject({ path: 'body.force', message: 'unknown field "force"' });
      });

      it('validates without saving', async () => {
        const good = await yaml(HELLO.replace('hello-api', 'never-saved'), '/api/v1/workflows/validate');
        expect(good.json).toEqual({ valid: true, errors: [] });
        const bad = await yaml('atom: 1\nname: x\nsteps: []\nbogus: 1\n', '/api/v1/workflows/validate');
        expect(bad.json.valid).toBe(false);
        expect(bad.json.errors.length).toBeGreaterThan(0);
        expect((await h.api('/api/v1/workflows/never-saved')).status).toBe(404);
      });

      it('lists with search and cursor pagination, each workflow once', async () => {
        for (const n of [1, 2, 3, 4, 5]) {
          await yaml(HELLO.replace('hello-api', `page-${n}`).replace('Says hello', `paged ${n}`));
        }
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const query: string = `/api/v1/workflows?search=PAGED&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
          const page = await h.api(query);
          expect(page.status).toBe(200);
          seen.push(...page.json.items.map((w: { name: string }) => w.name));
          cursor = page.json.nextCursor;
        } while (cursor);
        expect(seen).toEqual(['page-1', 'page-2', 'page-3', 'page-4', 'page-5']);
        const badCursor = await h.api('/api/v1/workflows?cursor=nonsense');
        expect(badCursor.status).toBe(400);
        const badLimit = await h.api('/api/v1/workflows?limit=0');
        expect(badLimit.status).toBe(400);
        expect(badLimit.json.errors[0].path).toBe('querystring.limit');
      });

      it('disables and enables triggers', async () => {
        const off = await h.api('/api/v1/workflows/page-1/disable', { method: 'POST' });
        expect(off.json.triggersEnabled).toBe(false);
        const on = await h.api('/api/v1/workflows/page-1/enable', { method: 'POST' });
        expect(on.json.triggersEnabled).toBe(true);
      });

      it('deletes (204), after which the name is unknown (404) and free again', async () => {
        expect((await h.api('/api/v1/workflows/page-5', { method: 'DELETE' })).status).toBe(204);
        const gone = await h.api('/api/v1/workflows/page-5');
        expect(gone.status).toBe(404);
        expect(problemOf(gone.json)).toBe('ATOM_ERR_WORKFLOW_NOT_FOUND');
        expect((await h.api('/api/v1/workflows/page-5', { method: 'DELETE' })).status).toBe(404);
        expect((await yaml(HELLO.replace('hello-api', 'page-5'))).status).toBe(201);
      });

      it('answers unknown routes with a problem', async () => {
        const res = await h.api('/api/v1/nothing-here');
        expect(res.status).toBe(404);
        expect(problemOf(res.json)).toBe('ATOM_ERR_ROUTE_NOT_FOUND');
      });
    });

    describe('workflow source text', () => {
      // Comments, blank lines, key order and quoting the parsed document cannot hold.
      const COMMENTED = `# Posts the weekly digest. Owner: ops.
atom: 1
name: kept-text   # do not rename: the dashboard links to it

description: 'Weekly digest'
steps:
  # First the text, then the post.
  - with: { text: "{{ 'hi' }}" }
    uses: transform
    id: compose
`;
      const version = (n: number) => h.api(`/api/v1/workflows/kept-text/versions/${n}`);
      const asYaml = async () => (await h.api('/api/v1/workflows/kept-text?format=yaml')).text;

      it('returns the YAML as it was sent, comments and all, after POST', async () => {
        expect((await yaml(COMMENTED)).status).toBe(201);
        const read = await h.api('/api/v1/workflows/kept-text');
        expect(read.json.source).toBe(COMMENTED);
        expect(read.json.document).toMatchObject({ name: 'kept-text', steps: [{ id: 'compose', uses: 'transform' }] });
        expect(await asYaml()).toBe(COMMENTED);
        expect((await version(1)).json).toMatchObject({ version: 1, source: COMMENTED });
      });

      it('stores a comment-only edit as a new version with the same document', async () => {
        const edited = COMMENTED.replace('Owner: ops.', 'Owner: ops (ask Ada).');
        const put = await yaml(edited, '/api/v1/workflows/kept-text', 'PUT', { 'if-match': '"1"' });
        expect(put.json).toMatchObject({ version: 2, created: true });
        const [v1, v2] = [(await version(1)).json, (await version(2)).json];
        expect(v2.source).toBe(edited);
        expect(v2.hash).toBe(v1.hash);
        expect((await h.api('/api/v1/workflows/kept-text/diff?from=1&to=2')).json.changes).toEqual([]);
        const again = await yaml(edited, '/api/v1/workflows/kept-text', 'PUT');
        expect(again.json).toMatchObject({ version: 2, created: false });
      });

      it('keeps the text when the same document comes as JSON; a new JSON document has none', async () => {
        const document = (await version(2)).json.document;
        const same = await h.api('/api/v1/workflows/kept-text', { method: 'PUT', body: document });
        expect(same.json).toMatchObject({ version: 2, created: false });
        const changed = { ...document, description: 'Weekly digest, as JSON' };
        const put = await h.api('/api/v1/workflows/kept-text', { method: 'PUT', body: changed });
        expect(put.json).toMatchObject({ version: 3, created: true });
        expect((await h.api('/api/v1/workflows/kept-text')).json.source).toBeNull();
        // Without a source, ?format=yaml prints the document.
        expect(await asYaml()).toContain('description: Weekly digest, as JSON');
        expect(await asYaml()).not.toContain('#');
      });

      it('rolls back to a version with its text, comments and all', async () => {
        const rollback = await h.api('/api/v1/workflows/kept-text/rollback', { body: { version: 1 } });
        expect(rollback.json).toMatchObject({ version: 4, created: true, rolledBackTo: 1 });
        expect((await version(4)).json).toMatchObject({ source: COMMENTED, hash: (await version(1)).json.hash });
        expect(await asYaml()).toBe(COMMENTED);
      });

      it('refuses bad YAML with its code and line, storing nothing', async () => {
        // Line 8 opens a flow sequence that line 9 does not continue.
        const unclosed = COMMENTED.replace('  - with: {', '  - with: [').replace('}\n    uses', '\n    uses');
        const syntax = await yaml(unclosed, '/api/v1/workflows/kept-text', 'PUT');
        expect(syntax.status).toBe(400);
        expect(syntax.json.code).toBe('ATOM_ERR_SPEC_YAML_SYNTAX');
        expect(syntax.json.errors[0]).toMatchObject({ line: 9, column: 5 });
        const unknownField = COMMENTED.replace('    id: compose', '    id: compose\n    colour: red');
        const invalid = await yaml(unknownField, '/api/v1/workflows/kept-text', 'PUT');
        expect(invalid.status).toBe(422);
        expect(invalid.json.code).toBe('ATOM_ERR_SPEC_INVALID');
        expect(invalid.json.errors).toContainEqual(expect.objectContaining({ path: 'steps[0].colour', line: 11 }));
        expect((await h.api('/api/v1/workflows/kept-text')).json).toMatchObject({ version: 4, source: COMMENTED });
      });

      it('refuses a raw NUL character, which YAML forbids and PostgreSQL cannot store, at its line', async () => {
        const res = await yaml(
          COMMENTED.replace('Owner: ops.', 'Owner: \u0000ops.'),
          '/api/v1/workflows/kept-text',
          'PUT',
        );
        expect(res.status).toBe(400);
        expect(res.json.code).toBe('ATOM_ERR_SPEC_YAML_SYNTAX');
        expect(res.json.errors[0]).toMatchObject({ line: 1, column: 35 });
      });
    });

    describe('runs', () => {
      it('fails a run whose outputs make a NUL character, which no store keeps, and stays usable', async () => {
        const body = {
          atom: 1,
          name: 'nul-outputs',
          steps: [{ id: 'a', uses: 'transform', with: { v: 1 } }],
          outputs: { text: "{{ 'a' & '\\u0000' }}" },
        };
        expect((await h.api('/api/v1/workflows', { body })).status).toBe(201);
        const run = await h.api('/api/v1/workflows/nul-outputs/runs?wait=20', { body: {} });
        expect(run.json).toMatchObject({
          status: 'failed',
          error: { code: 'ATOM_ERR_VALUE_NUL', details: [expect.objectContaining({ path: 'output.text' })] },
        });
        expect(run.json.steps[0]).toMatchObject({ key: 'a', status: 'succeeded' });
        const events = (await h.api(`/api/v1/runs/${run.json.id}/events`)).json.items;
        expect(events.at(-1)).toMatchObject({ type: 'run.failed' });
      });

      it('starts a run (202) and, with ?wait=, returns the finished run with its steps', async () => {
        const started = await h.api('/api/v1/workflows/hello-api/runs', { body: { inputs: { who: 'ada' } } });
        expect(started.status).toBe(202);
        expect(started.json).toMatchObject({ id: expect.any(String), status: 'queued' });
        const waited = await h.api('/api/v1/workflows/hello-api/runs?wait=20', { body: { inputs: { who: 'bob' } } });
        expect(waited.status).toBe(200);
        expect(waited.json).toMatchObject({ status: 'succeeded', outputs: { text: 'HELLO BOB' } });
        expect(waited.json.steps.map((s: { key: string; status: string }) => [s.key, s.status])).toEqual([
          ['greet', 'succeeded'],
          ['shout', 'succeeded'],
        ]);
        expect(waited.json.steps[0]).toMatchObject({ attempt: 1, durationMs: expect.any(Number) });
        const read = await h.api(`/api/v1/runs/${waited.json.id}`);
        expect(read.json.outputs).toEqual({ text: 'HELLO BOB' });
        const events = await h.api(`/api/v1/runs/${waited.json.id}/events`);
        expect(events.json.items[0].type).toBe('run.created');
        const after = await h.api(`/api/v1/runs/${waited.json.id}/events?after=${events.json.items[2].id}`);
        expect(after.json.items.length).toBe(events.json.items.length - 3);
      });

      it('starts one run per Idempotency-Key, answering a retry with the first run', async () => {
        const key = { 'idempotency-key': `retry-${name}` };
        const first = await h.api('/api/v1/workflows/hello-api/runs', {
          body: { inputs: { who: 'ada' } },
          headers: key,
        });
        expect(first.status).toBe(202);
        expect(first.headers.get('idempotent-replayed')).toBeNull();
        const again = await h.api('/api/v1/workflows/hello-api/runs?wait=20', {
          body: { inputs: { who: 'ada' } },
          headers: key,
        });
        expect(again.status).toBe(200);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(again.json).toMatchObject({ id: first.json.id, outputs: { text: 'HELLO ADA' } });
        // The same key with other inputs is another request: refused, and no run is started.
        const reused = await h.api('/api/v1/workflows/hello-api/runs', {
          body: { inputs: { who: 'someone else' } },
          headers: key,
        });
        expect(reused.status).toBe(422);
        expect(problemOf(reused.json)).toBe('ATOM_ERR_IDEMPOTENCY_KEY_REUSED');
        expect(reused.json.errors[0].path).toBe('body.inputs');
        // hello-api has versions 1 and 2 by now (the update test above); the run used the latest.
        const started = await h.api(`/api/v1/runs/${first.json.id}`);
        const otherVersion = await h.api('/api/v1/workflows/hello-api/runs', {
          body: { inputs: { who: 'ada' }, version: started.json.workflow.version === 1 ? 2 : 1 },
          headers: key,
        });
        expect(otherVersion.status).toBe(422);
        expect(otherVersion.json.errors[0].path).toBe('body.version');
        const runs = await h.api('/api/v1/runs?workflow=hello-api&limit=100');
        expect(runs.json.items.filter((r: { id: string }) => r.id === first.json.id)).toHaveLength(1);
        const other = await h.api('/api/v1/workflows/hello-api/runs', { body: { inputs: { who: 'ada' } } });
        expect(other.json.id).not.toBe(first.json.id);
        const tooLong = await h.api('/api/v1/workflows/hello-api/runs', {
          body: {},
          headers: { 'idempotency-key': 'k'.repeat(256) },
        });
        expect(tooLong.status).toBe(400);
      });

      it('refuses invalid inputs with 400 and an unknown workflow with 404', async () => {
        const bad = await h.api('/api/v1/workflows/hello-api/runs', { body: { inputs: { who: 5 } } });
        expect(bad.status).toBe(400);
        expect(bad.json.errors[0].path).toContain('who');
        expect(problemOf(bad.json)).toBe('ATOM_ERR_RUN_INPUT_INVALID');
        const missing = await h.api('/api/v1/workflows/nope/runs', { body: {} });
        expect(missing.status).toBe(404);
        const unknownField = await h.api('/api/v1/workflows/hello-api/runs', { body: { input: {} } });
        expect(unknownField.status).toBe(400);
        expect(unknownField.json.errors[0].path).toBe('body.input');
      });

      it('lists runs newest first with filters and a cursor', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          const r = await h.api('/api/v1/workflows/page-2/runs?wait=20', { body: { inputs: { who: `p${i}` } } });
          ids.push(r.json.id);
        }
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await h.api(
            `/api/v1/runs?workflow=page-2&status=succeeded&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          );
          seen.push(...page.json.items.map((r: { id: string }) => r.id));
          cursor = page.json.nextCursor;
        } while (cursor);
        expect(seen).toEqual([...ids].reverse());
        const none = await h.api('/api/v1/runs?workflow=page-2&status=failed');
        expect(none.json.items).toEqual([]);
        const badStatus = await h.api('/api/v1/runs?status=done');
        expect(badStatus.status).toBe(400);
        expect((await h.api('/api/v1/runs/no-such-run')).status).toBe(404);
      });

      it('lists the runs created in a time window, start inclusive and end exclusive', async () => {
        const listed = await h.api('/api/v1/runs?workflow=page-2&limit=3');
        const [newest, middle, oldest] = listed.json.items as { id: string; createdAt: string }[];
        const window = async (query: string) =>
          (await h.api(`/api/v1/runs?workflow=page-2&${query}`)).json.items.map((r: { id: string }) => r.id);
        const at = (run: { createdAt: string } | undefined) => encodeURIComponent(String(run?.createdAt));
        expect(await window(`from=${at(middle)}&status=succeeded`)).toEqual(
          expect.arrayContaining([newest?.id, middle?.id]),
        );
        expect(await window(`from=${at(middle)}`)).not.toContain(oldest?.id);
        expect(await window(`to=${at(middle)}`)).not.toContain(middle?.id);
        expect(await window(`to=${at(middle)}`)).not.toContain(newest?.id);
        expect(await window('from=2000-01-01&to=2000-01-02')).toEqual([]);
        const bad = await h.api('/api/v1/runs?from=yesterday&to=2024-02-30');
        expect(bad.status).toBe(400);
        expect(bad.json.code).toBe('ATOM_ERR_REQUEST_INVALID');
        expect(bad.json.errors.map((e: { path: string }) => e.path)).toEqual(['querystring.from', 'querystring.to']);
      });

      it('cancels a waiting run, and leaves an ended one as it is', async () => {
        await yaml(
          'atom: 1\nname: waits\nsteps:\n  - id: w\n    uses: wait\n    with: { event: never.comes, timeout: 1h }\n',
        );
        const run = await h.api('/api/v1/workflows/waits/runs', { body: {} });
        await waitUntil(async () => (await h.api(`/api/v1/runs/${run.json.id}`)).json.status === 'waiting');
        const cancelled = await h.api(`/api/v1/runs/${run.json.id}/cancel`, { method: 'POST' });
        expect(cancelled.json).toEqual({ id: run.json.id, status: 'cancelled', cancelled: true });
        const again = await h.api(`/api/v1/runs/${run.json.id}/cancel`, { method: 'POST' });
        expect(again.json.cancelled).toBe(false);
        expect((await h.api('/api/v1/runs/nope/cancel', { method: 'POST' })).status).toBe(404);
      });

      it('replays from a step, reusing the outputs before it', async () => {
        const first = await h.api('/api/v1/workflows/hello-api/runs?wait=20', { body: { inputs: { who: 'cy' } } });
        const replay = await h.api(`/api/v1/runs/${first.json.id}/replay?wait=20`, { body: { fromStep: 'shout' } });
        expect(replay.status).toBe(200);
        expect(replay.json.outputs).toEqual({ text: 'HELLO CY' });
        expect(replay.json.id).not.toBe(first.json.id);
        const unknown = await h.api(`/api/v1/runs/${first.json.id}/replay`, { body: { fromStep: 'nope' } });
        expect(unknown.status).toBe(422);
        expect(problemOf(unknown.json)).toBe('ATOM_ERR_REPLAY_STEP_UNKNOWN');
      });

      it('waits durably for an approval, and takes one decision', async () => {
        await yaml(
          'atom: 1\nname: needs-ok\nsteps:\n  - id: ok\n    uses: approval\n    with: { message: ship it?, approvers: [operator@example.test] }\n  - id: after\n    uses: transform\n    with: { by: "{{ $steps.ok.output.by }}" }\noutputs:\n  by: "{{ $steps.after.output.by }}"\n',
        );
        const run = await h.api('/api/v1/workflows/needs-ok/runs', { body: {} });
        const runId = run.json.id;
        await waitUntil(async () => (await h.api(`/api/v1/runs/${runId}`)).json.status === 'waiting');
        const notAllowed = await h.api(`/api/v1/runs/${runId}/steps/ok/approve`, { method: 'POST', body: {} });
        expect(notAllowed.status).toBe(403);
        expect(problemOf(notAllowed.json)).toBe('ATOM_ERR_APPROVAL_NOT_ALLOWED');
        const viewer = await h.api(`/api/v1/runs/${runId}/steps/ok/approve`, { body: {}, token: h.tokens.viewer });
        expect(viewer.status).toBe(403);
        const approved = await h.api(`/api/v1/runs/${runId}/steps/ok/approve`, {
          body: { comment: 'go' },
          token: h.tokens.operator,
        });
        expect(approved.json).toMatchObject({ decision: 'approved', by: 'operator@example.test' });
        const twice = await h.api(`/api/v1/runs/${runId}/steps/ok/reject`, { body: {}, token: h.tokens.operator });
        expect(twice.status).toBe(409);
        expect(problemOf(twice.json)).toBe('ATOM_ERR_APPROVAL_NOT_PENDING');
        await waitUntil(async () => (await h.api(`/api/v1/runs/${runId}`)).json.status === 'succeeded');
        expect((await h.api(`/api/v1/runs/${runId}`)).json.outputs).toEqual({ by: 'operator@example.test' });
      });
    });

    describe('events', () => {
      it('wakes a waiting step and starts event-triggered workflows', async () => {
        await yaml(
          'atom: 1\nname: on-order\ntriggers:\n  - event: { name: order.placed, if: "{{ $event.total > 10 }}" }\nsteps:\n  - id: t\n    uses: transform\n    with: { total: "{{ $trigger.payload.total }}" }\n',
        );
        await yaml(
          'atom: 1\nname: waits-order\nsteps:\n  - id: w\n    uses: wait\n    with: { event: order.placed, timeout: 1h }\n',
        );
        const waiting = await h.api('/api/v1/workflows/waits-order/runs', { body: {} });
        await waitUntil(async () => (await h.api(`/api/v1/runs/${waiting.json.id}`)).json.status === 'waiting');
        const small = await h.api('/api/v1/events', { body: { name: 'order.placed', payload: { total: 5 } } });
        expect(small.status).toBe(202);
        expect(small.json).toEqual({ woken: 1, started: [] });
        const big = await h.api('/api/v1/events', {
          body: { name: 'order.placed', payload: { total: 50 }, id: 'ev-1' },
        });
        expect(big.json.started).toHaveLength(1);
        const again = await h.api('/api/v1/events', {
          body: { name: 'order.placed', payload: { total: 50 }, id: 'ev-1' },
        });
        expect(again.json.started).toEqual(big.json.started);
        const missingName = await h.api('/api/v1/events', { body: { payload: 1 } });
        expect(missingName.status).toBe(400);
        expect(missingName.json.errors[0]).toMatchObject({ path: 'body.name', message: 'is required' });
      });
    });

    describe('webhooks', () => {
      it('commits the delivery as a run before answering 202 { runId }, listed and replayable', async () => {
        await yaml(
          'atom: 1\nname: hooked\ntriggers:\n  - webhook: { path: orders/new, method: POST }\nsteps:\n  - id: t\n    uses: transform\n    with: { id: "{{ $trigger.body.id }}" }\noutputs:\n  id: "{{ $steps.t.output.id }}"\n',
        );
        const res = await fetch(`${h.url}/hooks/orders/new`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-delivery-id': 'd-1' },
          body: JSON.stringify({ id: 42 }),
        });
        expect(res.status).toBe(202);
        const { runId } = (await res.json()) as { runId: string };
        expect((await h.engine.store.getRun(runId))?.workflowName).toBe('hooked');
        const dup = await fetch(`${h.url}/hooks/orders/new`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-delivery-id': 'd-1' },
          body: JSON.stringify({ id: 42 }),
        });
        expect(dup.status).toBe(200);
        expect(await dup.json()).toEqual({ runId, duplicate: true });
        const wrongMethod = await fetch(`${h.url}/hooks/orders/new`);
        expect(wrongMethod.status).toBe(405);
        expect((await fetch(`${h.url}/hooks/nowhere`, { method: 'POST' })).status).toBe(404);

        const list = await h.api('/api/v1/deliveries?workflow=hooked');
        expect(list.json.items).toEqual([expect.objectContaining({ runId, deliveryId: 'd-1', path: 'orders/new' })]);
        const one = await h.api(`/api/v1/deliveries/${runId}`);
        expect(one.json.body).toEqual({ id: 42 });
        const replay = await h.api(`/api/v1/deliveries/${runId}/replay`, { method: 'POST' });
        expect(replay.status).toBe(202);
        expect(replay.json.id).not.toBe(runId);
        await waitUntil(async () => (await h.api(`/api/v1/runs/${replay.json.id}`)).json.status === 'succeeded');
        expect((await h.api(`/api/v1/runs/${replay.json.id}`)).json.outputs).toEqual({ id: 42 });
        expect((await h.api('/api/v1/deliveries/not-a-delivery')).status).toBe(404);
      });

      it('answers with the respond node when the trigger asks for it', async () => {
        await yaml(
          'atom: 1\nname: answers\ntriggers:\n  - webhook: { path: ask, respond: node, timeout: 10s }\nsteps:\n  - id: calc\n    uses: transform\n    with: { doubled: "{{ $trigger.body.n * 2 }}" }\n  - id: reply\n    uses: respond\n    with: { status: 201, headers: { x-answer: yes }, body: { doubled: "{{ $steps.calc.output.doubled }}" } }\n',
        );
        const res = await fetch(`${h.url}/hooks/ask`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ n: 21 }),
        });
        expect(res.status).toBe(201);
        expect(res.headers.get('x-answer')).toBe('yes');
        expect(await res.json()).toEqual({ doubled: 42 });
      });
      it('answers 202 { runId } when the run ends without responding, or the answer is late', async () => {
        await yaml(
          'atom: 1\nname: never-answers\ntriggers:\n  - webhook: { path: silent, respond: node, timeout: 10s }\nsteps:\n  - id: t\n    uses: transform\n    with: { ok: true }\n',
        );
        const ended = await fetch(`${h.url}/hooks/silent`, { method: 'POST' });
        expect(ended.status).toBe(202);
        expect(await ended.json()).toEqual({ runId: expect.any(String) });
        await yaml(
          'atom: 1\nname: answers-late\ntriggers:\n  - webhook: { path: late, respond: node, timeout: 300ms }\nsteps:\n  - id: pause\n    uses: delay\n    with: { for: 1h }\n  - id: reply\n    uses: respond\n    with: { body: too late }\n',
        );
        const late = await fetch(`${h.url}/hooks/late`, { method: 'POST' });
        expect(late.status).toBe(202);
        const { runId } = (await late.json()) as { runId: string };
        expect((await h.api(`/api/v1/runs/${runId}`)).json.status).toBe('waiting');
      });
    });

    describe('dead letters and the cluster', () => {
      it('lists failed runs with their failed steps, and replays them in bulk on a fixed version', async () => {
        const broken =
          'atom: 1\nname: dlq-flow\nsteps:\n  - id: prepare\n    uses: transform\n    with: { n: 1 }\n  - id: deliver\n    uses: fail\n    with: { message: downstream refused }\n';
        await yaml(broken);
        const failed = await h.api('/api/v1/workflows/dlq-flow/runs?wait=20', { body: {} });
        expect(failed.json.status).toBe('failed');
        const dlq = await h.api('/api/v1/dlq?workflow=dlq-flow');
        expect(dlq.json.items).toEqual([
          expect.objectContaining({
            runId: failed.json.id,
            version: 1,
            steps: [
              expect.objectContaining({
                key: 'deliver',
                topLevel: true,
                error: expect.objectContaining({ message: expect.stringContaining('downstream refused') }),
              }),
            ],
          }),
        ]);
        await yaml(
          broken.replace(
            'uses: fail\n    with: { message: downstream refused }',
            'uses: transform\n    with: { ok: true }',
          ),
          '/api/v1/workflows/dlq-flow',
          'PUT',
        );
        const replay = await h.api('/api/v1/dlq/replay', {
          body: { runIds: [failed.json.id, 'no-such-run'], version: 2 },
        });
        expect(replay.status).toBe(202);
        expect(replay.json.refused).toEqual([
          expect.objectContaining({ runId: 'no-such-run', code: 'ATOM_ERR_RUN_NOT_FOUND' }),
        ]);
        const [{ newRunId }] = replay.json.replayed;
        await waitUntil(async () => (await h.api(`/api/v1/runs/${newRunId}`)).json.status === 'succeeded');
        const steps = (await h.api(`/api/v1/runs/${newRunId}`)).json.steps;
        expect(steps.find((s: { key: string }) => s.key === 'prepare').attempt).toBe(0);
        const neither = await h.api('/api/v1/dlq/replay', { body: {} });
        expect(neither.status).toBe(400);
      });

      it('shows the workers and the queue', async () => {
        const workers = await h.api('/api/v1/workers');
        expect(workers.status).toBe(200);
        expect(Array.isArray(workers.json.items)).toBe(true);
        const stats = await h.api('/api/v1/queue/stats');
        expect(stats.json.runs.succeeded).toBeGreaterThan(0);
        expect(Object.keys(stats.json.queue)).toEqual(['ready', 'retrying', 'waiting', 'running']);
      });

      it('answers the dashboard figures of a window: runs per minute, success rate, durations, queue, workers', async () => {
        const now = Date.now();
        await h.store.registerWorker({
          id: 'dash-live',
          host: 'h',
          pid: 1,
          version: 't',
          startedAt: now,
          heartbeatAt: now,
          concurrency: 4,
          running: 0,
        });
        const old = now - 3_600_000;
        await h.store.registerWorker({
          id: 'dash-gone',
          host: 'h',
          pid: 2,
          version: 't',
          startedAt: old,
          heartbeatAt: old,
          concurrency: 4,
          running: 0,
        });
        try {
          const res = await h.api('/api/v1/stats?minutes=30');
          expect(res.status).toBe(200);
          const stats = res.json;
          expect(stats.window.minutes).toBe(30);
          expect(stats.runsPerMinute).toHaveLength(30);
          expect(stats.runsPerMinute[0].at).toBe(stats.window.from);
          const sum = (key: string) =>
            stats.runsPerMinute.reduce((n: number, b: Record<string, number>) => n + (b[key] ?? 0), 0);
          expect(stats.runs.started).toBe(sum('started'));
          expect(stats.runs.succeeded).toBe(sum('succeeded'));
          // Every run of this suite started in the last 30 minutes: the runs list says how many.
          let listed = 0;
          let cursor: string | null = null;
          do {
            const page = await h.api(
              `/api/v1/runs?from=${encodeURIComponent(stats.window.from)}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
            );
            listed += page.json.items.length;
            cursor = page.json.nextCursor;
          } while (cursor);
          expect(stats.runs.started).toBe(listed);
          expect(stats.runs.succeeded).toBeGreaterThan(0);
          expect(stats.runs.successRate).toBeCloseTo(stats.runs.succeeded / (stats.runs.succeeded + stats.runs.failed));
          const { stepDuration } = stats;
          expect(stepDuration.count).toBeGreaterThan(0);
          expect(stepDuration.p50Ms).toBeLessThanOrEqual(stepDuration.p95Ms);
          expect(stepDuration.p95Ms).toBeLessThanOrEqual(stepDuration.maxMs);
          const transform = stats.slowestNodeTypes.find((t: { nodeType: string }) => t.nodeType === 'transform');
          expect(transform.count).toBeGreaterThan(0);
          expect(stats.slowestNodeTypes.map((t: { nodeType: string }) => t.nodeType)).not.toContain('group');
          expect(stats.queue.depth).toBe(stats.queue.ready + stats.queue.retrying);
          const mine = stats.workers.items.filter((w: { id: string }) => w.id.startsWith('dash-'));
          expect(mine.map((w: { id: string; alive: boolean }) => [w.id, w.alive])).toEqual([
            ['dash-gone', false],
            ['dash-live', true],
          ]);
          expect(stats.workers.alive).toBe(stats.workers.items.filter((w: { alive: boolean }) => w.alive).length);
          expect((await h.api('/api/v1/stats')).json.window.minutes).toBe(60);
          for (const bad of ['0', '1441', 'soon']) {
            const refused = await h.api(`/api/v1/stats?minutes=${bad}`);
            expect(refused.status, bad).toBe(400);
          }
        } finally {
          await h.store.removeWorker('dash-live');
          await h.store.removeWorker('dash-gone');
        }
      });
    });

    describe('health and metrics', () => {
      it('is ready with its checks, and exports metrics', async () => {
        const ready = await h.api('/health/ready', { token: null });
        expect(ready.status).toBe(200);
        expect(Object.keys(ready.json.checks)).toEqual(['database', 'worker', 'queue', 'server']);
        const metrics = await h.api('/metrics', { token: null });
        for (const name of [
          'atom_http_request_duration_seconds',
          'atom_runs{status="succeeded"}',
          'atom_queue_depth',
          'atom_step_duration_seconds',
          'atom_webhook_deliveries_total',
        ]) {
          expect(metrics.text).toContain(name);
        }
      });
    });
  });
}
