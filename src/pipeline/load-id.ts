let lastLoadId = 0;

/**
 * A load id as dlt makes it: unix time in seconds with a fraction, strictly increasing within the
 * process (so packages sort in the order they were made).
 */
export function newLoadId(nowMs: number = performance.timeOrigin + performance.now()): string {
  let micros = Math.floor(nowMs * 1000);
  if (micros <= lastLoadId) micros = lastLoadId + 1;
  lastLoadId = micros;
  const seconds = Math.floor(micros / 1_000_000);
  return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
}
