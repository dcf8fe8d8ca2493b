// Light: used by the commander program (src/cli/index.ts) and the fast paths of src/cli/main.ts.
import { isSecretEnvName, scrubSecrets } from '../config/secrets.js';

/**
 * Masks the values of secret env vars in everything the process prints (dbt scrubs its logs:
 * https://docs.getdbt.com/reference/dbt-jinja-functions/env_var#secrets).
 */
function scrubOutput(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? scrubSecrets(chunk) : chunk instanceof Uint8Array ? scrubSecrets(Buffer.from(chunk).toString('utf8')) : chunk, ...rest)) as typeof stream.write;
}

let prepared = false;

/**
 * Sets up stdout and stderr as every command expects: secret values masked when a secret env
 * var is set, and a closed pipe (`dops ls | head`) ends the process quietly instead of failing.
 * Once per process (the fast paths of src/cli/main.ts may have done it before the program runs).
 */
export function prepareOutput(): void {
  if (prepared) return;
  prepared = true;
  if (Object.keys(process.env).some(isSecretEnvName)) {
    scrubOutput(process.stdout);
    scrubOutput(process.stderr);
  }
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
