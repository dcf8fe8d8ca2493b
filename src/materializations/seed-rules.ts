/**
 * The version of the rules that decide a seed's column types (see `inferSeedKind` in seed.ts).
 * State-aware builds key a seed's build record on it (src/state/build-state.ts), and a build
 * stamp on it (src/state/build-stamp.ts), so a seed whose types change under new rules is loaded
 * again rather than reused with the types of the old rules. Bump it with any change to them.
 *
 * 2: dbt's agate inference on DuckDB too (whole numbers `INTEGER`, not DuckDB's sniffed `BIGINT`).
 * 3: numbers as agate's Number reads them (`1,000`, `$5`, `5%`, `1_000`), no longer text.
 *
 * Kept free of imports: the CLI reads it before loading the rest of dops.
 */
export const SEED_TYPE_RULES = 3;
