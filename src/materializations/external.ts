import { extname, isAbsolute, join } from 'node:path';
import { quoteIdentifier, quoteLiteral } from '../adapter/quoting.js';
import { renderSqlValue } from '../adapter/duckdb/files.js';
import { CompilationError } from '../errors.js';
import type { ModelNode } from '../manifest/nodes.js';

/** File formats an external model can be written in (DuckDB's `COPY ... TO` formats). */
export const EXTERNAL_FORMATS = ['parquet', 'csv', 'json'] as const;

/** One of {@link EXTERNAL_FORMATS}. */
export type ExternalFormat = (typeof EXTERNAL_FORMATS)[number];

/** Where and how an external model's files are written. */
export interface ExternalTarget {
  /** Absolute path: a file, or a folder when `partitioned`. */
  path: string;
  format: ExternalFormat;
  /** Hive-partitioned folder (`partition_by` set). */
  partitioned: boolean;
  /** The `COPY` options, e.g. `(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year))`. */
  copyOptions: string;
}

function columnList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.map(String);
  return String(value).split(',').map((c) => c.trim()).filter(Boolean);
}

function configError(model: ModelNode, message: string, hint?: string): CompilationError {
  return new CompilationError(`External model '${model.name}': ${message}`, { location: { file: model.originalFilePath }, hint });
}

function formatOf(model: ModelNode, location: string | undefined): ExternalFormat {
  const fromExtension = location ? extname(location).slice(1).toLowerCase() : '';
  const format = String(model.config.format ?? (fromExtension || 'parquet')).toLowerCase();
  if (!(EXTERNAL_FORMATS as readonly string[]).includes(format)) throw configError(model, `unknown format '${format}'`, `Use one of: ${EXTERNAL_FORMATS.join(', ')}.`);
  return format as ExternalFormat;
}

/**
 * Resolves an external model's target (dbt-duckdb's `external` materialization): `location` as
 * given (relative to the project dir), else `<lake-path>/<schema>/<name>.<format>`, or the folder
 * `<lake-path>/<schema>/<name>/` with `partition_by`. Config: `format` (parquet default, csv,
 * json), `partition_by` (column or list), `compression` (e.g. zstd, snappy, gzip), `options`
 * (any other `COPY` option, DuckDB docs "COPY Statement").
 * @param lakePath the project's `lake-path`, relative to the project dir
 * @throws CompilationError for an unknown format, or `partition_by` with a single-file location
 */
export function externalTarget(model: ModelNode, projectDir: string, lakePath: string): ExternalTarget {
  const configured = model.config.location === undefined ? undefined : String(model.config.location);
  const format = formatOf(model, configured);
  const partitionBy = columnList(model.config.partition_by);
  const partitioned = partitionBy.length > 0;
  if (partitioned && configured && extname(configured)) {
    throw configError(model, `partition_by writes a folder, but location '${configured}' names a file`, 'Give location a folder path (no extension).');
  }
  const relative = configured ?? join(lakePath, model.relation.schema, partitioned ? model.relation.identifier : `${model.relation.identifier}.${format}`);
  const path = isAbsolute(relative) ? relative : join(projectDir, relative);
  const options = [`FORMAT ${format}`];
  if (format === 'csv') options.push('HEADER true');
  if (model.config.compression !== undefined) options.push(`COMPRESSION ${quoteLiteral(String(model.config.compression))}`);
  if (partitioned) options.push(`PARTITION_BY (${partitionBy.map(quoteIdentifier).join(', ')})`);
  const extra = model.config.options;
  if (extra && typeof extra === 'object') {
    for (const [name, value] of Object.entries(extra as Record<string, unknown>)) options.push(`${name.toUpperCase()} ${renderSqlValue(value)}`);
  }
  return { path, format, partitioned, copyOptions: `(${options.join(', ')})` };
}

/** `COPY (<sql>) TO '<path>' (<options>)`: writes the model's rows (DuckDB reports the row count). */
export function copyStatement(sql: string, path: string, target: ExternalTarget): string {
  return `copy (\n${sql}\n) to ${quoteLiteral(path)} ${target.copyOptions}`;
}

/**
 * The SELECT of the view that makes an external model `ref()`-able: DuckDB's reader over the
 * file, or over every file of the partitioned folder with the partition columns restored
 * (`hive_partitioning`).
 */
export function externalReadSql(target: ExternalTarget): string {
  const reader = target.format === 'parquet' ? 'read_parquet' : target.format === 'csv' ? 'read_csv' : 'read_json';
  const extra = target.format === 'csv' ? ', header = true' : '';
  if (!target.partitioned) return `select * from ${reader}(${quoteLiteral(target.path)}${extra})`;
  const glob = `${target.path}/**/*.${target.format}`;
  return `select * from ${reader}(${quoteLiteral(glob)}, hive_partitioning = true${extra})`;
}
