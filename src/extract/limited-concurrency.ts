/**
 * Runs `work` for every item with at most `limit` running at once; rejects with the first error
 * (after the ones already started have settled — `onError` can make them settle early, e.g. by
 * aborting their requests). With `limit` 1 it is a plain loop, in order.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  onError?: (error: unknown) => void,
): Promise<void> {
  if (limit <= 1) {
    for (const item of items) await work(item);
    return;
  }
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        if (failed === undefined) {
          failed = { error };
          onError?.(error);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed.error;
}
