// Preloaded with `node --import` into a measured process: on exit, writes the process' peak
// resident set size (KB, from getrusage) and the CPU time it used (user + system, every thread,
// in ms) to the file named by BENCH_RSS_FILE, as `<maxRSS KB> <cpu ms>`.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, `${usage.maxRSS} ${(usage.userCPUTime + usage.systemCPUTime) / 1000}`);
  });
}
