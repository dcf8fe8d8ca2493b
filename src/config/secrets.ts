import { createHash } from 'node:crypto';

/**
 * Secret environment variables, as dbt treats `DBT_ENV_SECRET_*`
 * (https://docs.getdbt.com/reference/dbt-jinja-functions/env_var#secrets): usable only in
 * profiles.yml (dbt: and packages.yml), an error anywhere else, and their values never written to a
 * file, log or message: replaced by `*****`. dops also accepts the prefix `DOPS_ENV_SECRET_`.
 */
export const SECRET_PREFIXES = ['DBT_ENV_SECRET_', 'DOPS_ENV_SECRET_'] as const;

/** What a secret's value is replaced with (dbt's mask). */
export const SECRET_MASK = '*****';

/** True when `name` is a secret env var name (see {@link SECRET_PREFIXES}). */
export function isSecretEnvName(name: string): boolean {
  return SECRET_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** The non-empty values of the secret env vars set now, longest first (so a value containing another is masked whole). */
function secretValues(): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(process.env)) if (value && isSecretEnvName(name)) values.push(value);
  return values.sort((a, b) => b.length - a.length);
}

/**
 * `text` with every value of a secret env var set now replaced by `*****`, wherever it appears
 * (dbt scrubs its logs the same way, even where the variable was not read directly). Costs
 * nothing when no secret env var is set.
 */
export function scrubSecrets(text: string): string {
  return text ? secretScrubber()(text) : text;
}

/**
 * {@link scrubSecrets} for many texts: reads the environment once, now (a scan of `process.env`
 * per text adds up over a run's thousand files), and masks the values set at this moment.
 */
export function secretScrubber(): (text: string) => string {
  const values = secretValues();
  if (values.length === 0) return (text) => text;
  return (text) => {
    let scrubbed = text;
    for (const value of values) if (scrubbed.includes(value)) scrubbed = scrubbed.split(value).join(SECRET_MASK);
    return scrubbed;
  };
}

/**
 * How a cache records what an env var read: the value itself, or for a secret a sha256 digest of
 * it (`sha256:<hex>`), so caches tell a change without holding the secret.
 * @param value the variable's value, or undefined / null when unset (returned as null)
 */
export function envFingerprint(name: string, value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  return isSecretEnvName(name) ? `sha256:${createHash('sha256').update(value).digest('hex')}` : value;
}
