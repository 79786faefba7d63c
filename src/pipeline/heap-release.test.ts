import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import v8 from 'node:v8';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.js';
import type { LoadPackage } from '../load/load-package.js';
import { releaseHeapBeforeLoad } from './heap-release.js';

describe('releaseHeapBeforeLoad', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let pkg: LoadPackage;
  beforeEach(async () => {
    temp = await makeTempDir('tributary-heap-release-');
    await mkdir(join(temp.dir, 'tables'));
    await writeFile(join(temp.dir, 'tables', '0.jsonl'), `${'{"id":1}\n'.repeat(1000)}`);
    pkg = {
      dir: temp.dir,
      manifest: { tables: [{ name: 'items', file: 'tables/0.jsonl', rows: 1000 }] },
    } as unknown as LoadPackage;
  });
  afterEach(() => temp.cleanup());

  /** Grows the heap with objects that live long enough to reach the old generation, then drops them. */
  function growAndDrop(): void {
    let held: Array<{ n: number; text: string }> | undefined = [];
    for (let i = 0; i < 600_000; i++) held.push({ n: i, text: `row ${i}` });
    held = undefined;
  }

  it('collects and hands back the free heap before a package above the size threshold', async () => {
    growAndDrop();
    const before = v8.getHeapStatistics().total_heap_size;
    const ran = await releaseHeapBeforeLoad(pkg, { packageBytes: 1000, freeHeapBytes: 0 });
    const after = v8.getHeapStatistics().total_heap_size;
    expect(ran).toBe(true);
    expect(after).toBeLessThan(before - 16 * 1024 * 1024);
  });

  it('leaves the heap alone for a package under the threshold, as for the default one of 256 MB', async () => {
    growAndDrop();
    expect(await releaseHeapBeforeLoad(pkg, { packageBytes: 1024 * 1024, freeHeapBytes: 0 })).toBe(false);
    expect(await releaseHeapBeforeLoad(pkg)).toBe(false);
  });
});
