import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TextFileWriter } from '../../../src/compiler/text-file-writer.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dops-writer-'));
  dirs.push(dir);
  return dir;
}

describe('TextFileWriter', () => {
  it('writes a few files at once, creating folders, and leaves identical files untouched', () => {
    const dir = tempDir();
    const writer = new TextFileWriter();
    let written = 0;
    writer.writeIfChanged(join(dir, 'a', 'b', 'x.sql'), 'select 1\n', () => written++);
    expect(readFileSync(join(dir, 'a', 'b', 'x.sql'), 'utf8')).toBe('select 1\n');
    const before = statSync(join(dir, 'a', 'b', 'x.sql')).mtimeMs;
    const again = new TextFileWriter();
    again.writeIfChanged(join(dir, 'a', 'b', 'x.sql'), 'select 1\n', () => written++);
    expect(statSync(join(dir, 'a', 'b', 'x.sql')).mtimeMs).toBe(before);
    again.writeIfChanged(join(dir, 'a', 'b', 'x.sql'), 'select 2\n');
    expect(readFileSync(join(dir, 'a', 'b', 'x.sql'), 'utf8')).toBe('select 2\n');
    expect(written).toBe(2);
  });

  it('hands many writes to a background thread; flush waits for all of them and runs their callbacks', () => {
    const dir = tempDir();
    const writer = new TextFileWriter({ offloadAfter: 100 });
    const done: number[] = [];
    for (let i = 0; i < 1000; i++) writer.writeIfChanged(join(dir, `f${i % 7}`, `m${i}.sql`), `select ${i}\n`, () => done.push(i));
    writer.close();
    expect(done).toHaveLength(1000);
    for (let i = 0; i < 1000; i++) expect(readFileSync(join(dir, `f${i % 7}`, `m${i}.sql`), 'utf8')).toBe(`select ${i}\n`);
  });

  it('runs the background thread from its own module (dist/ under vitest): it writes before flush is called', async () => {
    const dir = tempDir();
    const writer = new TextFileWriter({ offloadAfter: 10 });
    writer.expect(1000);
    // Three full batches are sent as they fill; nothing here writes them until flush.
    for (let i = 0; i < 192; i++) writer.writeIfChanged(join(dir, 't', `m${i}.sql`), `select ${i}\n`);
    const last = join(dir, 't', 'm191.sql');
    while (!existsSync(last) || readFileSync(last, 'utf8') !== 'select 191\n') await new Promise((resolve) => setTimeout(resolve, 10));
    writer.close();
    for (let i = 0; i < 192; i++) expect(readFileSync(join(dir, 't', `m${i}.sql`), 'utf8')).toBe(`select ${i}\n`);
  });

  it('runs the background thread from dist/ (as the CLI does), also in a process started with --input-type=module and the V8 flag of the CLI shebang', () => {
    const dir = tempDir();
    const writer = pathToFileURL(join(import.meta.dirname, '../../../dist/compiler/text-file-writer.js')).href;
    // The thread's files appear before flush, or the thread failed to start (offload.dead).
    const script = `import { existsSync } from 'node:fs';
const { TextFileWriter } = await import(${JSON.stringify(writer)});
const writer = new TextFileWriter({ offloadAfter: 10 });
writer.expect(1000);
for (let i = 0; i < 192; i++) writer.writeIfChanged(${JSON.stringify(dir)} + '/m' + i + '.sql', 'select ' + i + '\\n');
while (!existsSync(${JSON.stringify(join(dir, 'm191.sql'))}) && !writer.offload.dead) await new Promise((resolve) => setTimeout(resolve, 10));
console.log(writer.offload.dead ? 'the thread failed' : 'written by the thread');
writer.close();`;
    // Node refuses V8 flags (--max-semi-space-size, the CLI's shebang) in a worker's execArgv.
    const output = execFileSync(process.execPath, ['--max-semi-space-size=32', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(output.trim()).toBe('written by the thread');
    for (let i = 0; i < 192; i++) expect(readFileSync(join(dir, `m${i}.sql`), 'utf8')).toBe(`select ${i}\n`);
  });

  it('writes the last text given for a path, across the thread', () => {
    const dir = tempDir();
    const writer = new TextFileWriter({ offloadAfter: 100 });
    for (let i = 0; i < 400; i++) writer.writeIfChanged(join(dir, `m${i}.sql`), 'first\n');
    writer.writeIfChanged(join(dir, 'm399.sql'), 'second text\n');
    writer.close();
    expect(readFileSync(join(dir, 'm399.sql'), 'utf8')).toBe('second text\n');
  });

  it("throws the thread's failure from flush, naming the file", () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'late', 'x.sql'), { recursive: true });
    const writer = new TextFileWriter({ offloadAfter: 100 });
    for (let i = 0; i < 300; i++) writer.writeIfChanged(join(dir, 'ok', `m${i}.sql`), 'x\n');
    // Handed to the thread, which cannot write a file where a folder is.
    writer.writeIfChanged(join(dir, 'late', 'x.sql'), 'x\n');
    expect(() => writer.close()).toThrow(/EISDIR|directory.*late[/\\]x\.sql/);
    expect(readFileSync(join(dir, 'ok', 'm299.sql'), 'utf8')).toBe('x\n');
  });

  it('writes what a dead background thread left undone itself', async () => {
    const dir = tempDir();
    const writer = new TextFileWriter({ offloadAfter: 10, stallMs: 300 });
    for (let i = 0; i < 20; i++) writer.writeIfChanged(join(dir, `a${i}.sql`), `a ${i}\n`);
    await (writer as unknown as { offload: { worker: { terminate(): Promise<number> } } }).offload.worker.terminate();
    const done: number[] = [];
    for (let i = 0; i < 200; i++) writer.writeIfChanged(join(dir, 'late', `b${i}.sql`), `b ${i}\n`, () => done.push(i));
    writer.close();
    expect(done).toHaveLength(200);
    for (let i = 0; i < 200; i++) expect(readFileSync(join(dir, 'late', `b${i}.sql`), 'utf8')).toBe(`b ${i}\n`);
  });

  it("gives each callback the file's stamp as written, here and from the thread", () => {
    const dir = tempDir();
    const writer = new TextFileWriter({ offloadAfter: 50 });
    const stamps = new Map<string, unknown>();
    for (let i = 0; i < 200; i++) {
      const path = join(dir, `s${i % 3}`, `m${i}.sql`);
      writer.writeIfChanged(path, `select '${'é'.repeat(i)}'\n`, (stamp) => stamps.set(path, stamp));
    }
    writer.close();
    expect(stamps.size).toBe(200);
    for (const [path, stamp] of stamps) {
      const stats = statSync(path);
      expect(stamp).toEqual([stats.mtimeMs, stats.size]);
    }
    // An unchanged file is not rewritten; its callback gets its current stamp.
    const path = join(dir, 's0', 'm0.sql');
    let again: unknown;
    new TextFileWriter().writeIfChanged(path, "select ''\n", (stamp) => (again = stamp));
    expect(again).toEqual(stamps.get(path));
  });

  it('starts the background thread at once when told many files are coming', () => {
    const dir = tempDir();
    const writer = new TextFileWriter({ offloadAfter: 100 });
    writer.expect(10);
    expect((writer as unknown as { offload?: unknown }).offload).toBeUndefined();
    writer.expect(500);
    expect((writer as unknown as { offload?: unknown }).offload).toBeDefined();
    const done: number[] = [];
    for (let i = 0; i < 150; i++) writer.writeIfChanged(join(dir, 'e', `m${i}.sql`), `select ${i}\n`, () => done.push(i));
    writer.close();
    expect(done).toHaveLength(150);
    for (let i = 0; i < 150; i++) expect(readFileSync(join(dir, 'e', `m${i}.sql`), 'utf8')).toBe(`select ${i}\n`);
  });

  it('writes, on the calling thread, the files the background thread has not reached when flushed', async () => {
    const dir = tempDir();
    const writer = new TextFileWriter({ offloadAfter: 10, stallMs: 300 });
    writer.expect(1000);
    type Internals = { offload: { worker: { terminate(): Promise<number> }; sentBatches: { claims: Int32Array }[] } };
    const offload = (writer as unknown as Internals).offload;
    // A thread that never gets to them: every file sent is left for flush to write.
    await offload.worker.terminate();
    const stamps: unknown[] = [];
    for (let i = 0; i < 300; i++) writer.writeIfChanged(join(dir, `h${i % 4}`, `m${i}.sql`), `select ${i}\n`, (stamp) => (stamps[i] = stamp));
    writer.close();
    expect(offload.sentBatches.flatMap(({ claims }) => [...claims]).every((claim) => claim === 2)).toBe(true);
    for (let i = 0; i < 300; i++) {
      const path = join(dir, `h${i % 4}`, `m${i}.sql`);
      expect(readFileSync(path, 'utf8')).toBe(`select ${i}\n`);
      expect(stamps[i]).toEqual([statSync(path).mtimeMs, statSync(path).size]);
    }
  });

  it('writes in the background whatever the count, leaving files that already hold the text untouched', async () => {
    const dir = tempDir();
    const same = join(dir, 'run', 'same.sql');
    const first = new TextFileWriter();
    // A full batch goes to the thread at once: it writes them before flush is called.
    for (let i = 0; i < 64; i++) first.writeInBackground(join(dir, 'run', `b${i}.sql`), `select ${i}\n`);
    while (!existsSync(join(dir, 'run', 'b63.sql'))) await new Promise((resolve) => setTimeout(resolve, 10));
    first.writeInBackground(same, 'select 1\n');
    first.writeInBackground(join(dir, 'run', 'other.sql'), 'select 2\n');
    first.close();
    expect(readFileSync(same, 'utf8')).toBe('select 1\n');
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(same, old, old);
    utimesSync(join(dir, 'run', 'other.sql'), old, old);
    const kept = statSync(same).mtimeMs;
    const second = new TextFileWriter();
    second.writeInBackground(same, 'select 1\n');
    second.writeInBackground(join(dir, 'run', 'other.sql'), 'select 22\n');
    second.close();
    expect(statSync(same).mtimeMs).toBe(kept);
    expect(readFileSync(join(dir, 'run', 'other.sql'), 'utf8')).toBe('select 22\n');
    expect(statSync(join(dir, 'run', 'other.sql')).mtimeMs).toBeGreaterThan(kept);
  });

  it('compares before writing also when flush writes what the background thread left', async () => {
    const dir = tempDir();
    const same = join(dir, 'same.sql');
    const seed = new TextFileWriter();
    seed.writeIfChanged(same, 'select 1\n');
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(same, old, old);
    const kept = statSync(same).mtimeMs;
    const writer = new TextFileWriter({ stallMs: 300 });
    writer.writeInBackground(join(dir, 'first.sql'), 'select 0\n');
    type Internals = { offload: { worker: { terminate(): Promise<number> } } };
    await (writer as unknown as Internals).offload.worker.terminate();
    for (let i = 0; i < 100; i++) writer.writeInBackground(join(dir, 'n', `m${i}.sql`), `select ${i}\n`);
    writer.writeInBackground(same, 'select 1\n');
    writer.close();
    expect(statSync(same).mtimeMs).toBe(kept);
    for (let i = 0; i < 100; i++) expect(readFileSync(join(dir, 'n', `m${i}.sql`), 'utf8')).toBe(`select ${i}\n`);
  });
});
