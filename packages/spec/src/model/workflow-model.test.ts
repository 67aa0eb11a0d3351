import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../parse/parse-document.js';
import { workflowJsonSchema } from './json-schema-export.js';
import { type WorkflowDocument, workflowSchema } from './workflow-model.js';

const schemaFile = new URL('../../../../docs/workflow.schema.json', import.meta.url);
const triage = readFileSync(new URL('../fixtures/triage.yaml', import.meta.url), 'utf8');

describe('workflowSchema', () => {
  it('parses the example of the design', () => {
    const result = workflowSchema.safeParse(parseDocument(triage).value);
    expect(result.success).toBe(true);
    const document: WorkflowDocument | undefined = result.data;
    expect(document?.steps[1]?.compensate?.uses).toBe('trello.deleteCard');
  });

  it('accepts durations as strings and as milliseconds', () => {
    for (const timeout of ['500ms', '1.5s', '5m', '2h', '1d', 0, 2500]) {
      const document = { atom: 1, name: 'x', defaults: { timeout }, steps: [{ id: 'a', uses: 'log' }] };
      expect(workflowSchema.safeParse(document).success).toBe(true);
    }
    for (const timeout of ['5 m', '1w', -1, '', Number.POSITIVE_INFINITY]) {
      const document = { atom: 1, name: 'x', defaults: { timeout }, steps: [{ id: 'a', uses: 'log' }] };
      expect(workflowSchema.safeParse(document).success).toBe(false);
    }
  });

  it('reports the uses/steps rule even when other fields fail', () => {
    const result = workflowSchema.safeParse({ atom: 1, name: 'x', bogus: 1, steps: [{ id: 'a' }] });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['', 'steps.0']);
  });
});

describe('workflowJsonSchema', () => {
  const schema = workflowJsonSchema();

  it('is a documented draft 2020-12 schema with an id', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://atom.dev/schema/workflow-v1.json');
    expect(schema.title).toBe('Atom workflow');
    expect(schema.required).toEqual(['atom', 'name', 'steps']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('says "exactly one of" where zod cannot', () => {
    const defs = schema.$defs as Record<string, Record<string, unknown>>;
    expect(defs.Step?.oneOf).toEqual([{ required: ['uses'] }, { required: ['steps'] }]);
    expect(defs.Trigger).toMatchObject({ minProperties: 1, maxProperties: 1 });
  });

  it('describes every step field', () => {
    const defs = schema.$defs as Record<string, { properties: Record<string, { description?: string }> }>;
    const undocumented = Object.entries(defs.Step?.properties ?? {}).filter(([, field]) => !field.description);
    expect(undocumented.map(([name]) => name)).toEqual([]);
  });

  it('is the committed docs/workflow.schema.json', () => {
    expect(readFileSync(schemaFile, 'utf8')).toBe(`${JSON.stringify(workflowJsonSchema(), null, 2)}\n`);
  });
});
