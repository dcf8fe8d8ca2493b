/**
 * Artifacts and caches under target/ are replaced whole or not at all: a reader, a failed write or
 * a killed dops never leaves half a file where the good one was. dbt's artifacts
 * (https://docs.getdbt.com/reference/artifacts/dbt-artifacts) are read by other tools (state
 * comparison, docs, orchestrators) while dbt may be writing the next ones.
 *
 * The failures are real ones: a folder where the file goes, a file where its folder goes, the
 * kernel's file size limit (`ulimit -f`, which cuts a write short as a full disk does: a first
 * write(2) writes part and returns its count, the next fails with EFBIG), and a writer killed with
 * SIGKILL while it is blocked writing its temp file (made a FIFO, so the kill lands mid-write
 * without any timing).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, constants, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/artifacts/atomic-write.js';
import { writeText } from '../../../src/artifacts/write-json.js';
import { ConfigError } from '../../../src/errors.js';
import { makeTempDir, removeProjects } from '../../integration/helpers.js';

/** dist/ modules, for child processes (built by tests/global-setup.ts). */
const DIST = resolve(import.meta.dirname, '../../../dist');
const distUrl = (file: string): string => pathToFileURL(join(DIST, file)).href;

/** Runs ESM `code` in a child Node whose files may not grow past 64 blocks (32 or 64 KiB). */
function underFileSizeLimit(code: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('/bin/sh', ['-c', 'ulimit -f 64 && exec "$@"', 'sh', process.execPath, '--input-type=module', '-e', code, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(removeProjects);

describe('writeFileAtomic', () => {
  it('replaces the file whole: a reader of the old file reads it to the end, and no temp file is left', () => {
    const dir = makeTempDir();
    const path = join(dir, 'run_results.json');
    const old = JSON.stringify({ results: Array.from({ length: 2000 }, (_, i) => ({ unique_id: `model.p.m${i}`, status: 'success' })) });
    writeFileSync(path, old);
    const reader = openSync(path, 'r');
    try {
      writeFileAtomic(path, '{"results":[]}');
      // Written in place (truncated, then written), the open file would now read the new text.
      expect(readFileSync(reader, 'utf8')).toBe(old);
    } finally {
      closeSync(reader);
    }
    expect(readFileSync(path, 'utf8')).toBe('{"results":[]}');
    expect(readdirSync(dir)).toEqual(['run_results.json']);
  });

  it('fails on a folder where the file goes, leaving the folder and no temp file', () => {
    const dir = makeTempDir();
    const path = join(dir, 'manifest.json');
    mkdirSync(path);
    writeFileSync(join(path, 'kept'), 'x');
    expect(() => writeFileAtomic(path, '{}')).toThrow(expect.objectContaining({ code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST)$/) }));
    expect(readdirSync(dir)).toEqual(['manifest.json']);
    expect(readdirSync(path)).toEqual(['kept']);
  });

  it('fails on a short write (the file size limit, as a full disk) leaving the previous file intact and no temp file', () => {
    const dir = makeTempDir();
    const path = join(dir, 'catalog.json');
    writeFileSync(path, '{"good":true}');
    const run = underFileSizeLimit(
      `import { writeFileAtomic } from ${JSON.stringify(distUrl('artifacts/atomic-write.js'))};
       try { writeFileAtomic(process.argv[1], 'x'.repeat(1 << 20)); console.log('written'); }
       catch (error) { console.log(error.code); }`,
      path,
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('EFBIG\n');
    expect(readFileSync(path, 'utf8')).toBe('{"good":true}');
    expect(readdirSync(dir)).toEqual(['catalog.json']);
  });

  it('leaves the previous file intact when the writer is killed mid-write; its temp file has another name', async () => {
    const dir = makeTempDir();
    const path = join(dir, 'partial_parse.json');
    writeFileSync(path, '{"old":true}');
    // The child makes the temp file of its first write (`<path>.<pid>.1.tmp`, see atomic-write.ts) a
    // FIFO: its write then blocks until read, and is killed after its first bytes are read.
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { execFileSync } from 'node:child_process';
         import { writeFileAtomic } from ${JSON.stringify(distUrl('artifacts/atomic-write.js'))};
         const temp = process.argv[1] + '.' + process.pid + '.1.tmp';
         execFileSync('mkfifo', [temp]);
         console.log(temp);
         writeFileAtomic(process.argv[1], 'x'.repeat(1 << 20));
         console.log('written');`,
        path,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = once(child, 'exit');
    const temp = await new Promise<string>((resolveTemp, reject) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolveTemp(stdout.split('\n')[0]);
      });
      void exited.then(() => reject(new Error(`the child ended first: ${stdout}${stderr}`)));
    });
    // Should the child end without writing to the FIFO, open it for writing so that this open returns.
    void exited.then(() => {
      try {
        closeSync(openSync(temp, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // no reader waiting
      }
    });
    const reading = await open(temp, 'r');
    const { bytesRead, buffer } = await reading.read(Buffer.alloc(4096), 0, 4096, null);
    expect(bytesRead).toBeGreaterThan(0);
    expect(buffer.subarray(0, bytesRead).toString()).toBe('x'.repeat(bytesRead));
    child.kill('SIGKILL');
    const [, signal] = await exited;
    await reading.close();
    expect(signal).toBe('SIGKILL');
    expect(stdout).toBe(`${temp}\n`);
    expect(basename(temp)).not.toBe('partial_parse.json');
    expect(readFileSync(path, 'utf8')).toBe('{"old":true}');
    expect(readdirSync(dir).sort()).toEqual(['partial_parse.json', basename(temp)].sort());
  });
});

describe('writeText', () => {
  it('names the folder it cannot make (a file where it goes), writing nothing', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'target'), 'a file');
    const path = join(dir, 'target', 'junit.xml');
    expect(() => writeText(path, '<testsuites/>', 'the JUnit report')).toThrow(ConfigError);
    expect(() => writeText(path, '<testsuites/>', 'the JUnit report')).toThrow(`Cannot create the folder ${join(dir, 'target')} for the JUnit report: a file of that name exists`);
    expect(readdirSync(dir)).toEqual(['target']);
    expect(readFileSync(join(dir, 'target'), 'utf8')).toBe('a file');
  });
});

describe('writeManifest', () => {
  it('fails on a short write leaving the previous manifest.json intact and no temp file', () => {
    const dir = makeTempDir();
    const path = join(dir, 'manifest.json');
    writeFileSync(path, '{"good":true}\n');
    // One chunk (under the 1 MiB flush size) past the limit: the last write, once cut short unseen.
    const run = underFileSizeLimit(
      `import { writeManifest } from ${JSON.stringify(distUrl('artifacts/manifest.js'))};
       import { Manifest } from ${JSON.stringify(distUrl('manifest/manifest.js'))};
       const manifest = new Manifest([]);
       manifest.extra.exposures = { 'exposure.p.big': { description: 'x'.repeat(300000) } };
       try { writeManifest(process.argv[1], manifest); console.log('written'); }
       catch (error) { console.log(error.code); }`,
      path,
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('EFBIG\n');
    expect(readFileSync(path, 'utf8')).toBe('{"good":true}\n');
    expect(readdirSync(dir)).toEqual(['manifest.json']);
  });
});
