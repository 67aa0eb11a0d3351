import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@atom/source'] },
  ssr: { resolve: { conditions: ['@atom/source'] } },
  test: {
    include: ['packages/**/src/**/*.test.ts', 'apps/**/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
