import { describe, expect, test } from 'vitest';
import { buildChain, collect, draftAt } from './audit.fixture.js';
import { chainEntry } from './audit-chain.js';
import { AUDIT_CSV_COLUMNS, csvCell, toCsv } from './audit-csv.js';
import type { AuditEntry } from './audit-entry.js';

/** A strict RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += char;
  }
  expect(cell).toBe('');
  return rows;
}

async function csvOf(entries: AuditEntry[]): Promise<string[][]> {
  return parseCsv((await collect(toCsv(entries))).join(''));
}

describe('toCsv', () => {
  test('a header row, then one row per entry in CRLF', async () => {
    const chunks = await collect(toCsv(buildChain(2)));
    expect(chunks[0]).toBe(
      'seq,at,workspaceId,actor.type,actor.id,actor.email,action,target.type,target.id,target.name,' +
        'source.ip,source.userAgent,data,prevHash,hash\r\n',
    );
    expect(chunks).toHaveLength(3);
    expect(chunks.every((chunk) => chunk.endsWith('\r\n'))).toBe(true);
    expect(AUDIT_CSV_COLUMNS).toHaveLength(15);
  });

  test('fields in their columns: ISO time, null as empty, data as canonical JSON text', async () => {
    const [header, , , system] = await csvOf(buildChain(3));
    const cells = Object.fromEntries(header!.map((name, index) => [name, system![index]]));
    expect(cells).toMatchObject({
      seq: '3',
      at: '2024-05-01T12:00:02.000Z',
      'actor.type': 'system',
      'actor.id': '',
      'actor.email': '',
      action: 'login.succeeded',
      'source.ip': '',
      data: '{"changes":{"fields":["name","steps"],"nested":{"deep":[2,{"flag":true}]}},"step":2}',
    });
    expect(cells['hash']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('quotes commas, quotes, newlines and CRs; unicode passes as is', async () => {
    const name = 'Deploy, "prod"\nnow\r\nreally';
    const unicode = 'Zoë 漢字 🙂';
    const entry = chainEntry(null, draftAt(0, { target: { type: 'workflow', id: 'wf_1', name }, data: unicode }));
    const chunks = await collect(toCsv([entry]));
    expect(chunks[1]).toContain(',"Deploy, ""prod""\nnow\r\nreally",');
    expect(chunks[1]).toContain(`,"""${unicode}""",`);
    const [header, row] = parseCsv(chunks.join(''));
    expect(row![header!.indexOf('target.name')]).toBe(name);
    expect(row![header!.indexOf('data')]).toBe(`"${unicode}"`);
    expect(csvCell('Zoë 漢字')).toBe('Zoë 漢字');
  });

  test('defuses cells a spreadsheet would run as a formula', async () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(null)).toBe('');
    expect(csvCell(0)).toBe('0');

    const entry = chainEntry(null, {
      ...draftAt(0),
      actor: { type: 'user', id: 'usr_1', email: '@evil.example' },
      target: { type: 'workflow', id: '=1+1', name: '+cmd' },
      source: { ip: null, userAgent: '-exec' },
      data: -5,
    });
    const [header, row] = await csvOf([entry]);
    const cell = (name: string) => row![header!.indexOf(name)];
    expect([
      cell('actor.email'),
      cell('target.id'),
      cell('target.name'),
      cell('source.userAgent'),
      cell('data'),
    ]).toEqual(["'@evil.example", "'=1+1", "'+cmd", "'-exec", "'-5"]);
  });

  test('streams from an async source', async () => {
    async function* rows(): AsyncGenerator<AuditEntry> {
      yield* buildChain(4);
    }
    expect(await collect(toCsv(rows()))).toHaveLength(5);
  });
});
