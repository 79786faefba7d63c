// The fetch-and-parse floor in a process of its own, started like the runs it is compared with (a
// floor measured again in one process gets faster as its code warms up). Prints one JSON line.
import { measureFloor } from './fetch-floor.js';

const args = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  apiKey: string;
  count: number;
  concurrency: number;
};
const cpuStart = process.cpuUsage();
const floor = await measureFloor(args.url, args.apiKey, args.count, args.concurrency);
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(
  `${JSON.stringify({ wallMs: floor.wallMs, cpuMs: (cpu.user + cpu.system) / 1000, counts: { tasks: floor.records } })}\n`,
);
