import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { createApp } from './create-app.js';

describe('createApp', () => {
  it('refuses an API route that declares no permission, and records the ones that do', async () => {
    const app = await createApp({
      logger: createLogger({ level: 'silent', secretValues: () => [] }),
      bodyLimitBytes: 1024,
      version: 't',
      corsOrigins: [],
      maxNesting: 64,
      requestTimeoutMs: 60_000,
    });
    try {
      expect(() => app.get('/api/v1/undeclared', async () => ({}))).toThrow(
        /GET \/api\/v1\/undeclared declares no permission/,
      );
      app.post('/api/v1/declared', { config: { permission: 'runs.start' } }, async () => ({}));
      app.get('/health/x', async () => ({}));
      expect(app.routeAccess).toContainEqual({
        method: 'POST',
        url: '/api/v1/declared',
        access: { permission: 'runs.start' },
      });
      expect(app.routeAccess.map((r) => r.url)).not.toContain('/api/v1/undeclared');
      expect(app.routeAccess.map((r) => r.url)).not.toContain('/health/x');
    } finally {
      await app.close();
    }
  });
});
