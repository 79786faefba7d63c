import { mixSeed, mulberry32, pick, randomInt } from '../../examples/task-api/seeded-random.js';

/**
 * The data the crash loop syncs: `tasks` (merge on `id`, incremental on `updated_at`, nested lists
 * two levels deep) and `events` (append, one nested list). Tasks change between iterations; events
 * never do, so every committed load appends exactly the same event rows.
 */
export interface CrashTask {
  id: number;
  title: string;
  status: string;
  priority: number;
  urgent: boolean;
  /** Null in the first version of every task, so its column first appears in a later load. */
  assignee: string | null;
  /** `YYYY-MM-DDTHH:MM:SSZ`: text order is time order, which the server's `since` filter relies on. */
  updated_at: string;
  tags: string[];
  comments: Array<{ author: string; body: string; reactions: string[] }>;
}

export interface CrashEvent {
  id: number;
  kind: string;
  amount: number;
  items: Array<{ sku: string; qty: number }>;
}

const STATUSES = ['open', 'doing', 'blocked', 'done'] as const;
const TAGS = ['ops', 'ui', 'db', 'api', 'infra', 'docs', 'bug', 'perf'] as const;
const PEOPLE = ['ada', 'bo', 'cy', 'dee', 'eve'] as const;
const REACTIONS = ['+1', 'eyes', 'rocket', 'tada'] as const;
const KINDS = ['created', 'moved', 'closed', 'reopened'] as const;
const BASE_TIME = Date.UTC(2024, 0, 1);

/** Whole seconds, always with `Z`, so the text sorts as the time does. */
function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function nestedLists(next: () => number, version: number): Pick<CrashTask, 'tags' | 'comments'> {
  const tags = Array.from({ length: randomInt(next, 0, 4) }, () => pick(next, TAGS));
  const comments = Array.from({ length: randomInt(next, 0, 3) }, (_, i) => ({
    author: pick(next, PEOPLE),
    body: `v${version} note ${i}`,
    reactions: Array.from({ length: randomInt(next, 0, 2) }, () => pick(next, REACTIONS)),
  }));
  return { tags, comments };
}

/** Returns a seeded, mutable data set; `mutate(round)` is deterministic for (seed, round). */
export class CrashDataset {
  readonly tasks: CrashTask[] = [];
  readonly events: CrashEvent[];
  readonly #seed: number;
  #nextId: number;

  constructor(seed: number, taskCount: number, eventCount: number) {
    this.#seed = seed;
    const next = mulberry32(mixSeed(seed, 0));
    for (let id = 1; id <= taskCount; id++) {
      // A handful of timestamps only: many ties on the cursor, also at page boundaries.
      this.tasks.push(this.#task(id, isoSeconds(BASE_TIME + (id % 7) * 60_000), 0, next));
    }
    this.#nextId = taskCount + 1;
    const nextEvent = mulberry32(mixSeed(seed, 1));
    this.events = Array.from({ length: eventCount }, (_, i) => ({
      id: i + 1,
      kind: pick(nextEvent, KINDS),
      amount: randomInt(nextEvent, 0, 4000) / 4 + 0.25,
      items: Array.from({ length: randomInt(nextEvent, 0, 3) }, (_, j) => ({
        sku: `sku-${j}-${randomInt(nextEvent, 1, 50)}`,
        qty: randomInt(nextEvent, 1, 9),
      })),
    }));
  }

  #task(id: number, updatedAt: string, version: number, next: () => number): CrashTask {
    return {
      id,
      title: `task ${id} v${version}`,
      status: pick(next, STATUSES),
      priority: randomInt(next, 1, 5),
      urgent: next() < 0.2,
      assignee: null,
      updated_at: updatedAt,
      ...nestedLists(next, version),
    };
  }

  /** The greatest `updated_at` the API serves. */
  get maxUpdatedAt(): string {
    // Text, not numbers: the fixed format sorts as time does.
    return (
      this.tasks
        .map((t) => t.updated_at)
        .sort()
        .at(-1) ?? ''
    );
  }

  /**
   * Round `round` (from 1): about 6% of the tasks change (newer `updated_at`, three tied values per
   * round, lists grown or shrunk, an assignee set) and two tasks are added. Nothing is deleted.
   */
  mutate(round: number): void {
    const next = mulberry32(mixSeed(this.#seed, 2, round));
    const roundTime = BASE_TIME + round * 3_600_000;
    const changes = Math.max(1, Math.round(this.tasks.length * 0.06));
    for (let i = 0; i < changes; i++) {
      const index = randomInt(next, 0, this.tasks.length - 1);
      const old = this.tasks[index];
      if (old === undefined) continue;
      const updated = this.#task(old.id, isoSeconds(roundTime + (i % 3) * 60_000), round, next);
      updated.assignee = pick(next, PEOPLE);
      this.tasks[index] = updated;
    }
    for (let i = 0; i < 2; i++) {
      this.tasks.push(this.#task(this.#nextId++, isoSeconds(roundTime + 120_000), round, next));
    }
  }
}
