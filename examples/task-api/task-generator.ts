/**
 * Deterministic task generation for the demo API and the tests. Task n depends only on the seed, its
 * position n and the revision, never on how many tasks are generated, so `count: 10` yields the first
 * 10 tasks of `count: 10_000`.
 */
import { mixSeed, mulberry32, pick, type RandomSource, randomInt } from './seeded-random.js';
import {
  type FlatTask,
  type NestedTask,
  type Subtask,
  TASK_STATUSES,
  type Task,
  type TaskId,
  type TaskShape,
  type TaskStatus,
} from './task-types.js';
import {
  DESCRIPTIONS,
  FANCY_TASK_NAMES,
  PEOPLE,
  SUBTASK_TITLES,
  TAGS,
  TASK_OBJECTS,
  TASK_VERBS,
} from './task-vocabulary.js';

export { serializeJson } from './exact-json.js';
export * from './task-types.js';

export interface GenerateTasksOptions {
  count: number;
  /** Default 1. */
  seed?: number;
  /** Default `'nested'`. */
  shape?: TaskShape;
  /** Id of the first task; ids are consecutive. A bigint makes every id a bigint. Default 1. */
  firstId?: number | bigint;
  /**
   * 0 (default) is the original data. Revision r > 0 rewrites every 7th task (positions 0, 7, 14, …):
   * new name and status, a different number of tags and subtasks, and an `updated_at` on 2026-01-r,
   * later than every original timestamp (for up to 100,000 tasks), so an incremental load sees them.
   */
  revision?: number;
}

/** Tasks at positions below this have whole-number estimates; from it on most have fractions. */
export const WHOLE_ESTIMATE_TASKS = 150;
/** Every task whose position is a multiple of this is rewritten by a revision. */
export const REVISED_EVERY = 7;

const FIRST_CREATED = Date.UTC(2024, 0, 1) / 1000;
const FIRST_REVISION = Date.UTC(2026, 0, 1) / 1000;
const DAY = 86_400;
/** Creation times advance 10 minutes per task, as ids do in a real tracker. */
const CREATED_STEP = 600;
const OFFSETS_MINUTES = [120, -300, 330, 60, -480];

/**
 * @example
 * const tasks = generateTasks({ count: 250, seed: 7 });
 * const changed = generateTasks({ count: 250, seed: 7, revision: 1 }); // tasks 0, 7, 14, … differ
 */
export function generateTasks(options: GenerateTasksOptions): Task[] {
  const { count, seed = 1, shape = 'nested', firstId = 1, revision = 0 } = options;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`count must be an integer >= 0: ${count}`);
  }
  if (!Number.isSafeInteger(revision) || revision < 0) {
    throw new RangeError(`revision must be an integer >= 0: ${revision}`);
  }
  if (typeof firstId === 'number' && !Number.isSafeInteger(firstId + Math.max(count - 1, 0))) {
    // A number id past 2^53 would be rounded; a bigint keeps it exact.
    throw new RangeError(`ids from ${firstId} must be safe integers; give firstId as a bigint beyond 2^53`);
  }
  const tasks: Task[] = [];
  for (let position = 0; position < count; position++) {
    const id = typeof firstId === 'bigint' ? firstId + BigInt(position) : firstId + position;
    let task = generateTask(id, position, seed);
    if (revision > 0 && position % REVISED_EVERY === 0) task = reviseTask(task, position, seed, revision);
    tasks.push(shape === 'flat' ? flattenTask(task) : task);
  }
  return tasks;
}

function generateTask(id: TaskId, position: number, seed: number): NestedTask {
  const next = mulberry32(mixSeed(seed, position));
  const name = taskName(next);
  const status = pick(next, TASK_STATUSES);
  const priority = randomInt(next, 1, 5);
  const estimateHours = estimate(next, position);
  const description = next() < 0.2 ? null : pick(next, DESCRIPTIONS);
  const created = FIRST_CREATED + position * CREATED_STEP + randomInt(next, 0, CREATED_STEP - 1);
  const updated = created + randomInt(next, 1, 30 * DAY);
  const dueDate = next() < 0.3 ? null : formatDate(created + randomInt(next, 1, 60) * DAY);
  const assignee = next() < 0.15 ? null : { ...pick(next, PEOPLE) };
  const tags = pickTags(next, randomInt(next, 0, 3));
  const subtasks = makeSubtasks(next, position, randomInt(next, 0, 3), status);
  return {
    id,
    name,
    status,
    priority,
    estimate_hours: estimateHours,
    description,
    created_at: formatTimestamp(next, created),
    updated_at: formatTimestamp(next, updated),
    due_date: dueDate,
    completed_at: completedAt(next, status, created, updated),
    assignee,
    tags,
    subtasks,
  };
}

/** What "the API changed this task" looks like: everything a sync should pick up as an update. */
function reviseTask(task: NestedTask, position: number, seed: number, revision: number): NestedTask {
  const next = mulberry32(mixSeed(seed, position, revision, 0x7e71));
  const status = pick(
    next,
    TASK_STATUSES.filter((s) => s !== task.status),
  );
  const created = Date.parse(task.created_at) / 1000;
  const updated = FIRST_REVISION + (revision - 1) * DAY + randomInt(next, 0, DAY - 1);
  // Adding 1..3 modulo 4 guarantees a different list length, so child tables gain or lose rows.
  const tagCount = (task.tags.length + randomInt(next, 1, 3)) % 4;
  const subtaskCount = (task.subtasks.length + randomInt(next, 1, 3)) % 4;
  return {
    ...task,
    name: `${taskName(next)} (rev ${revision})`,
    status,
    updated_at: formatTimestamp(next, updated),
    completed_at: completedAt(next, status, created, updated),
    tags: pickTags(next, tagCount),
    subtasks: makeSubtasks(next, position, subtaskCount, status),
  };
}

function flattenTask(task: NestedTask): FlatTask {
  const { assignee, tags: _tags, subtasks: _subtasks, ...scalars } = task;
  return { ...scalars, assignee_id: assignee?.id ?? null, assignee_name: assignee?.name ?? null };
}

function taskName(next: RandomSource): string {
  return next() < 0.3
    ? pick(next, FANCY_TASK_NAMES)
    : `${pick(next, TASK_VERBS)} ${pick(next, TASK_OBJECTS)}`;
}

function estimate(next: RandomSource, position: number): number {
  const whole = randomInt(next, 1, 40);
  if (position < WHOLE_ESTIMATE_TASKS) return whole;
  // The first task past the boundary always has a fraction, so the widening happens at a known row.
  const fractional = position === WHOLE_ESTIMATE_TASKS || next() < 0.75;
  return fractional ? whole - pick(next, [0.25, 0.5, 0.75]) : whole;
}

function pickTags(next: RandomSource, count: number): string[] {
  const pool = [...TAGS];
  const tags: string[] = [];
  for (let i = 0; i < count; i++) tags.push(...pool.splice(randomInt(next, 0, pool.length - 1), 1));
  return tags;
}

function makeSubtasks(next: RandomSource, position: number, count: number, status: TaskStatus): Subtask[] {
  const subtasks: Subtask[] = [];
  for (let i = 0; i < count; i++) {
    // Four id slots per task keep subtask ids unique across all tasks and all revisions.
    const id = position * 4 + i + 1;
    subtasks.push({ id, title: pick(next, SUBTASK_TITLES), done: status === 'done' || next() < 0.4 });
  }
  return subtasks;
}

function completedAt(
  next: RandomSource,
  status: TaskStatus,
  created: number,
  updated: number,
): string | null {
  if (status !== 'done') return null;
  // Whole seconds strictly after `created`, which may carry milliseconds, and not after `updated`.
  return formatUtc(randomInt(next, Math.floor(created) + 1, Math.floor(updated)) * 1000);
}

/** Mostly `…Z` in whole seconds; 15% with milliseconds; 15% in another zone (the same instant). */
function formatTimestamp(next: RandomSource, seconds: number): string {
  const form = next();
  if (form < 0.7) return formatUtc(seconds * 1000);
  // Milliseconds stay below the next whole second, so ordering against whole-second stamps holds.
  if (form < 0.85) return new Date(seconds * 1000 + randomInt(next, 0, 999)).toISOString();
  const offset = pick(next, OFFSETS_MINUTES);
  const local = new Date((seconds + offset * 60) * 1000).toISOString().slice(0, 19);
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${local}${offset < 0 ? '-' : '+'}${hours}:${minutes}`;
}

function formatUtc(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}

function formatDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}
