import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration tests build real DuckDB databases; the example project reads 3M rows.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // dist/ is built once here; test files that spawn the CLI never rebuild it.
    globalSetup: ['tests/global-setup.ts'],
  },
});
