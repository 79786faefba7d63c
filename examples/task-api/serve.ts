/**
 * Runs the demo task API until SIGINT or SIGTERM, for trying Tributary by hand:
 *
 *   node --import tsx examples/task-api/serve.ts --port 8787 --count 2345 --fault-rate 0.05
 *
 * The key comes from TASK_API_KEY (default: the fake demo key), never from argv, where it would show
 * up in `ps` and shell history.
 */
import { parseArgs } from 'node:util';
import { DEMO_API_KEY, startTaskApi, type TaskApiOptions } from './task-api-server.js';
import { TASK_SHAPES, type TaskShape } from './task-types.js';

const USAGE =
  'usage: serve.ts [--port N] [--count N] [--seed N] [--fault-rate 0..1] [--latency-ms N] [--shape nested|flat] [--rate-limit N] [--no-rate-limit-headers]';

function parseNumber(
  name: string,
  text: string | undefined,
  fallback: number,
  max: number,
  integer = true,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  const valid = text.trim() !== '' && value >= 0 && value <= max && (!integer || Number.isInteger(value));
  if (!valid) {
    const kind = integer ? 'an integer' : 'a number';
    throw new RangeError(`--${name} must be ${kind} within 0..${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function parseShape(text: string | undefined): TaskShape {
  if (text === undefined) return 'nested';
  const shape = TASK_SHAPES.find((candidate) => candidate === text);
  if (shape === undefined) {
    throw new RangeError(`--shape must be nested or flat, got ${JSON.stringify(text)}`);
  }
  return shape;
}

function readOptions(argv: string[]): TaskApiOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      'fault-rate': { type: 'string' },
      'latency-ms': { type: 'string' },
      shape: { type: 'string' },
      'rate-limit': { type: 'string' },
      'no-rate-limit-headers': { type: 'boolean' },
    },
    strict: true,
  });
  const faultRate = parseNumber('fault-rate', values['fault-rate'], 0, 1, false);
  const seed = parseNumber('seed', values.seed, 1, 2 ** 32 - 1);
  return {
    apiKey: process.env.TASK_API_KEY || DEMO_API_KEY,
    port: parseNumber('port', values.port, 0, 65_535),
    count: parseNumber('count', values.count, 2345, 1_000_000),
    seed,
    latencyMs: parseNumber('latency-ms', values['latency-ms'], 0, 600_000),
    shape: parseShape(values.shape),
    // One seed for data and faults: a run can be replayed from its command line alone.
    faults: faultRate > 0 ? { rate: faultRate, seed } : null,
    rateLimitPerSecond: parseNumber('rate-limit', values['rate-limit'], 0, 1_000_000),
    rateLimitHeaders: values['no-rate-limit-headers'] !== true,
  };
}

async function main(): Promise<void> {
  let options: TaskApiOptions;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const api = await startTaskApi(options);
  process.stdout.write(`task API listening on ${api.url} (${api.tasks.length} tasks)\n`);
  // Closing every connection lets the event loop empty, so the process ends by itself.
  const stop = (): void => void api.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
