import { existsSync } from 'node:fs';

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH`, else Debian's (`apt-get install chromium`,
 * which .ci/run does), else undefined and the tests are skipped with that message.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
}

export const NO_CHROMIUM =
  'no Chromium found (set CHROMIUM_PATH, or apt-get install chromium as .ci/run does): browser tests skipped';
