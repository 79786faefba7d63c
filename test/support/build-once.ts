import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Vitest global setup: CLI tests run the built `tributary` bin, so build it when missing. */
export default function setup(): void {
  if (!existsSync('dist/src/cli/main.js')) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  }
}
