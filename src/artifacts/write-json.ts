import { randomUUID } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { scrubSecrets } from '../config/secrets.js';
import { DOPS_VERSION } from '../version.js';
import { makeFolder } from '../project/make-folder.js';

/** One id per process, shared by the artifacts of one invocation (dbt's `invocation_id`). */
export const INVOCATION_ID = randomUUID();

/** The `metadata` block every artifact carries (dbt's shape, with dops' schema version). */
export function artifactMetadata(schema: string): Record<string, unknown> {
  return {
    dops_schema_version: `https://dops.dev/schemas/${schema}/v1.json`,
    dops_version: DOPS_VERSION,
    generated_at: new Date().toISOString(),
    invocation_id: INVOCATION_ID,
  };
}

/**
 * Writes an artifact as compact JSON on one line (as dbt writes its artifacts; indenting made a
 * 10,000-model manifest.json 40% bigger and slower to write), creating its folder. Values of
 * secret env vars are masked (see scrubSecrets). Written aside and renamed, so a reader (or a
 * crash) never leaves half a file.
 */
export function writeJson(path: string, value: unknown): void {
  writeText(path, JSON.stringify(value), 'the target path');
}

/**
 * Writes text (plus a final newline) atomically: aside, then renamed over `path`, creating its
 * folder; secret env var values are masked.
 * @param what names the folder in the error when it cannot be made (e.g. `the JUnit report`)
 */
export function writeText(path: string, text: string, what: string): void {
  makeFolder(dirname(path), what);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${scrubSecrets(text)}\n`);
  renameSync(temporary, path);
}
