import { createNodeCatalog } from '../validate/node-catalog.js';

/** A few node types with the input schemas the tests rely on. */
export const testCatalog = createNodeCatalog([
  { type: 'transform', inputSchema: { type: 'object' } },
  { type: 'log', inputSchema: { type: 'object', properties: { message: { type: 'string' } } } },
  {
    type: 'http.request',
    inputSchema: {
      type: 'object',
      required: ['url'],
      additionalProperties: false,
      properties: {
        url: { type: 'string', pattern: '^https?://' },
        method: { enum: ['GET', 'POST', 'PUT', 'DELETE'] },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        body: {},
        timeoutMs: { type: 'integer', minimum: 1, maximum: 600000 },
        retries: { anyOf: [{ type: 'boolean' }, { type: 'integer', minimum: 0 }] },
      },
    },
  },
  { type: 'wait', inputSchema: { type: 'object', required: ['event'] }, deferredInputs: ['if'] },
  { type: 'ai.classify', inputSchema: { type: 'object', required: ['text', 'labels'] } },
  { type: 'trello.createCard', inputSchema: { type: 'object' } },
  { type: 'trello.deleteCard', inputSchema: { type: 'object', required: ['id'] } },
  { type: 'slack.postMessage', inputSchema: { type: 'object', required: ['channel', 'text'] } },
]);
