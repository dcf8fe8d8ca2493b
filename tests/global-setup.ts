/**
 * Builds dist/ once before any test file runs (`npm run build`: tsc, then the executable bit on
 * the CLI), so tests that spawn the binary never race a rebuild in another file.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function setup(): void {
  execFileSync('npm', ['run', 'build'], { cwd: resolve(import.meta.dirname, '..'), stdio: 'pipe' });
}
