// Preloaded with `node --import` into a measured process: on exit, writes the process' peak
// resident set size (KB, from getrusage) to the file named by DOPS_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.DOPS_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
