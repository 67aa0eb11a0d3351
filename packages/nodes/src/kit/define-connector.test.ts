import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createNodeRegistry } from './create-node-registry.js';
import { defineConnector } from './define-connector.js';
import { defineNode } from './define-node.js';

const action = (type: string) =>
  defineNode({ type, version: 1, title: type, description: type, input: z.object({}), run: async () => null });

describe('defineConnector', () => {
  it('returns its actions, ready for a registry', () => {
    const actions = defineConnector({
      name: 'slack',
      version: 1,
      title: 'Slack',
      actions: [action('slack.postMessage'), action('slack.addReaction')],
    });
    expect(actions.map((a) => a.type)).toEqual(['slack.postMessage', 'slack.addReaction']);
    expect(createNodeRegistry(actions).get('slack.addReaction')?.type).toBe('slack.addReaction');
  });

  it('refuses an action outside its namespace', () => {
    expect(() =>
      defineConnector({ name: 'slack', version: 1, title: 'Slack', actions: [action('github.createIssue')] }),
    ).toThrow(/must start with "slack\."/);
    // A shared prefix is not the namespace: `slackbot.x` does not belong to `slack`.
    expect(() =>
      defineConnector({ name: 'slack', version: 1, title: 'Slack', actions: [action('slackbot.x')] }),
    ).toThrow();
  });

  it('refuses duplicates, a bad name, a bad version and no actions', () => {
    const post = action('slack.postMessage');
    expect(() => defineConnector({ name: 'slack', version: 1, title: 'S', actions: [post, post] })).toThrow(/twice/);
    expect(() => defineConnector({ name: 'Slack', version: 1, title: 'S', actions: [post] })).toThrow(/lower-case/);
    expect(() => defineConnector({ name: 'slack', version: 1.5, title: 'S', actions: [post] })).toThrow(/version/);
    expect(() => defineConnector({ name: 'slack', version: 1, title: 'S', actions: [] })).toThrow(/no actions/);
  });
});
