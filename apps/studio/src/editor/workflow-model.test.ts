import { describe, expect, it } from 'vitest';
import {
  addStep,
  connect,
  deleteSteps,
  disconnect,
  layout,
  newWorkflowText,
  parseWorkflow,
  renameStep,
  setStepField,
} from './workflow-model';

const edges = (text: string) =>
  parseWorkflow(text)
    .steps.flatMap((s) => s.needs.map((n) => `${n}->${s.id}`))
    .sort();

describe('the editor model', () => {
  it('builds a branch by adding steps after a step, keeping comments', () => {
    let text = newWorkflowText('branchy').replace('steps: []', '# the steps\nsteps: []');
    const a = addStep(text, 'transform');
    const b = addStep(a.text, 'log', { after: a.id, with: { message: 'hi' } });
    const c = addStep(b.text, 'log', { after: a.id, with: { message: 'there' } });
    text = c.text;
    expect([a.id, b.id, c.id]).toEqual(['transform', 'log', 'log_2']);
    expect(edges(text)).toEqual(['transform->log', 'transform->log_2']);
    expect(text).toContain('# the steps');
    expect(text).toContain('needs: [ transform ]');
  });

  it('connects, disconnects, renames and deletes with the needs kept right', () => {
    let text =
      'atom: 1\nname: x\nsteps:\n  - id: a\n    uses: log\n  - id: b\n    uses: log\n  - id: c\n    uses: log\n';
    expect(edges(text)).toEqual(['a->b', 'b->c']);
    text = connect(text, 'a', 'c');
    expect(edges(text)).toEqual(['a->b', 'a->c', 'b->c']);
    text = disconnect(text, 'b', 'c');
    expect(edges(text)).toEqual(['a->b', 'a->c']);
    text = renameStep(text, 'a', 'start');
    expect(edges(text)).toEqual(['start->b', 'start->c']);
    text = deleteSteps(text, ['b']);
    expect(edges(text)).toEqual(['start->c']);
    text = setStepField(text, 'c', ['with', 'message'], 'done');
    expect(parseWorkflow(text).steps[1]?.raw.with).toEqual({ message: 'done' });
    text = setStepField(text, 'c', ['if'], undefined);
    expect(parseWorkflow(text).syntaxError).toBeNull();
  });

  it('leaves unreadable YAML alone and lays steps out in columns by depth', () => {
    expect(connect('steps: [', 'a', 'b')).toBe('steps: [');
    expect(parseWorkflow('steps: [').syntaxError).not.toBeNull();
    const { steps } = parseWorkflow(
      'steps:\n  - { id: a, uses: log }\n  - { id: b, uses: log }\n  - { id: c, uses: log, needs: [a] }\n',
    );
    const at = layout(steps);
    expect(at.get('a')).toEqual({ x: 0, y: 0 });
    expect(at.get('b')).toEqual({ x: 260, y: 0 });
    expect(at.get('c')).toEqual({ x: 260, y: 110 });
  });
});
