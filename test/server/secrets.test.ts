/**
 * Workspace secrets and variables: set through the API (secrets encrypted at rest, never sent
 * back), resolved by `$secrets` / `$vars` in the next step, and never visible afterwards — not in
 * API answers, not in the run's stored data, not in the log, not in the database file.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createKeyring, generateKey, rotateSecrets, WorkspaceSecrets } from '@atom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, startServer } from '../support/server-harness.js';

const SECRET = 'sk_live_5b7e1f9a2c4d6e8f0a1b3c5d';

describe('secrets and variables', () => {
  let h: ServerHarness;
  let echo: Server;
  let echoUrl = '';
  const received: string[] = [];

  beforeAll(async () => {
    h = await startServer();
    echo = createServer((request, response) => {
      received.push(String(request.headers['x-api-key']));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          sawKey: request.headers['x-api-key'],
          region: request.headers['x-region'],
          headers: request.headers,
          url: request.url,
        }),
      );
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await h?.close();
    echo?.close();
  });

  it('sets a secret (admins only), lists names only, and refuses bad names', async () => {
    const put = await h.api('/api/v1/secrets/API_KEY', {
      method: 'PUT',
      body: { value: SECRET },
      token: h.tokens.admin,
    });
    expect(put.status).toBe(201);
    expect(put.text).not.toContain(SECRET);
    const again = await h.api('/api/v1/secrets/API_KEY', {
      method: 'PUT',
      body: { value: SECRET },
      token: h.tokens.admin,
    });
    expect(again.json).toEqual({ name: 'API_KEY', created: false });
    const editor = await h.api('/api/v1/secrets/API_KEY', {
      method: 'PUT',
      body: { value: 'x' },
      token: h.tokens.editor,
    });
    expect(editor.status).toBe(403);
    const list = await h.api('/api/v1/secrets', { token: h.tokens.editor });
    expect(list.json.items).toEqual([
      { name: 'API_KEY', createdAt: expect.any(String), updatedAt: expect.any(String) },
    ]);
    expect(list.text).not.toContain(SECRET);
    expect((await h.api('/api/v1/secrets', { token: h.tokens.viewer })).status).toBe(403);
    const badName = await h.api('/api/v1/secrets/not-valid', { method: 'PUT', body: { value: 'x' } });
    expect(badName.status).toBe(400);
    expect(badName.json.errors[0].path).toBe('params.name');
    const vars = await h.api('/api/v1/variables/REGION', {
      method: 'PUT',
      body: { value: 'eu-west' },
      token: h.tokens.editor,
    });
    expect(vars.status).toBe(201);
    expect((await h.api('/api/v1/variables', { token: h.tokens.viewer })).json.items).toEqual([
      { name: 'REGION', value: 'eu-west', updatedAt: expect.any(String) },
    ]);
  });

  it('hands the secret to the step that uses it, and keeps it out of everything stored or shown', async () => {
    const workflow = `atom: 1
name: uses-secret
steps:
  - id: call
    uses: http.request
    with:
      url: "${echoUrl}/charge"
      method: POST
      headers: { x-api-key: "{{ $secrets.API_KEY }}", x-region: "{{ $vars.REGION }}" }
      body: { amount: 5 }
outputs:
  echoed: "{{ $steps.call.output.body }}"
`;
    const created = await h.api('/api/v1/workflows', {
      method: 'POST',
      rawBody: workflow,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(created.status).toBe(201);
    const run = await h.api('/api/v1/workflows/uses-secret/runs?wait=20', { body: {} });
    expect(run.json.status).toBe('succeeded');
    expect(received.at(-1)).toBe(SECRET);
    expect(run.json.outputs.echoed.region).toBe('eu-west');
    expect(run.text).not.toContain(SECRET);
    const events = await h.api(`/api/v1/runs/${run.json.id}/events`);
    expect(events.text).not.toContain(SECRET);
    expect(h.logs.join('')).not.toContain(SECRET);
    const file = readFileSync(join(h.dir, 'atom.db'));
    expect(file.includes(Buffer.from(SECRET))).toBe(false);
  });

  it('keeps encoded forms of the secret (base64, Basic, URL, hex) out of everything stored or shown', async () => {
    const document = {
      atom: 1,
      name: 'encodes-secret',
      steps: [
        {
          id: 'call',
          uses: 'http.request',
          with: {
            url: `${echoUrl}/encoded`,
            query: { key: '{{ $secrets.API_KEY & "/+ &" }}' },
            headers: {
              'x-b64': '{{ $base64encode($secrets.API_KEY) }}',
              authorization: "{{ 'Basic ' & $base64encode('ops:' & $secrets.API_KEY) }}",
              'x-url': '{{ $encodeUrlComponent($secrets.API_KEY & "?") }}',
              'x-json': '{{ $string({ "key": $secrets.API_KEY }) }}',
            },
          },
        },
        {
          id: 'hex',
          uses: 'code',
          with: {
            code: 'return [...input.s].map((c) => c.charCodeAt(0).toString(16)).join("")',
            input: { s: '{{ $secrets.API_KEY }}' },
          },
        },
      ],
    };
    const created = await h.api('/api/v1/workflows', { body: document });
    expect(created.status, created.text).toBe(201);
    const logsFrom = h.logs.length;
    const run = await h.api('/api/v1/workflows/encodes-secret/runs?wait=20', { body: {} });
    expect(run.json.steps[0].status, run.text).toBe('succeeded');
    const seen = run.json.steps[0].output.body.headers;
    expect(seen['x-b64']).toBe('[redacted]');
    expect(seen.authorization).toMatch(/^Basic .{0,8}\[redacted\]/);
    const events = await h.api(`/api/v1/runs/${run.json.id}/events`);
    const stored = Buffer.concat(
      ['atom.db', 'atom.db-wal'].flatMap((name) => {
        try {
          return [readFileSync(join(h.dir, name))];
        } catch {
          return [];
        }
      }),
    ).toString('latin1');
    const bytes = Buffer.from(SECRET);
    expect(run.json.steps[1].output, run.text).toBe('[redacted]');
    const forms = [
      SECRET,
      bytes.toString('hex'),
      bytes.toString('base64').replace(/=+$/, ''),
      Buffer.from(`ops:${SECRET}`).toString('base64').slice(8, -4),
      encodeURIComponent(`${SECRET}/+ &`),
      new URLSearchParams({ key: `${SECRET}/+ &` }).toString(),
    ];
    for (const form of forms) {
      expect(run.text, form).not.toContain(form);
      expect(events.text, form).not.toContain(form);
      expect(h.logs.slice(logsFrom).join(''), form).not.toContain(form);
      expect(stored.includes(form), form).toBe(false);
    }
  });

  it('deletes a secret (404 once gone)', async () => {
    expect((await h.api('/api/v1/secrets/API_KEY', { method: 'DELETE', token: h.tokens.admin })).status).toBe(204);
    const gone = await h.api('/api/v1/secrets/API_KEY', { method: 'DELETE', token: h.tokens.admin });
    expect(gone.status).toBe(404);
    expect(gone.json.code).toBe('ATOM_ERR_SECRET_NOT_FOUND');
  });

  it('re-seals every stored secret under a new key; the old key is then not needed', async () => {
    const oldKey = generateKey();
    const newKey = generateKey();
    const before = new WorkspaceSecrets({ store: h.store, keyring: createKeyring({ active: oldKey }) });
    await before.setSecret('default', 'ROTATED', 'rotate-me-please', Date.now());
    const during = createKeyring({ active: newKey, old: [oldKey] });
    expect(await rotateSecrets(h.store, during)).toEqual({ total: 1, resealed: 1 });
    expect(await rotateSecrets(h.store, during)).toEqual({ total: 1, resealed: 0 });
    const after = new WorkspaceSecrets({ store: h.store, keyring: createKeyring({ active: newKey }) });
    expect((await after.secrets('default')).ROTATED).toBe('rotate-me-please');
    const stale = new WorkspaceSecrets({ store: h.store, keyring: createKeyring({ active: oldKey }) });
    await expect(stale.secrets('default')).rejects.toMatchObject({ code: 'ATOM_ERR_SECRET_DECRYPT' });
  });
});
