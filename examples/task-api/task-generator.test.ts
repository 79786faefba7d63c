import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generateTasks,
  type NestedTask,
  REVISED_EVERY,
  serializeJson,
  TASK_STATUSES,
  WHOLE_ESTIMATE_TASKS,
} from './task-generator.js';

const nested = (options: Parameters<typeof generateTasks>[0]): NestedTask[] =>
  generateTasks({ ...options, shape: 'nested' }) as NestedTask[];

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2})$/;
const NESTED_KEYS = [
  'id',
  'name',
  'status',
  'priority',
  'estimate_hours',
  'description',
  'created_at',
  'updated_at',
  'due_date',
  'completed_at',
  'assignee',
  'tags',
  'subtasks',
];

describe('generateTasks', () => {
  it('gives the same tasks for the same seed and different tasks for another seed', () => {
    expect(generateTasks({ count: 50, seed: 9 })).toEqual(generateTasks({ count: 50, seed: 9 }));
    expect(generateTasks({ count: 50, seed: 9 })).not.toEqual(generateTasks({ count: 50, seed: 10 }));
  });

  it('gives the first n tasks of a longer run, whatever the count', () => {
    expect(generateTasks({ count: 20, seed: 3 })).toEqual(
      generateTasks({ count: 500, seed: 3 }).slice(0, 20),
    );
  });

  it('numbers ids consecutively from firstId', () => {
    expect(generateTasks({ count: 3, firstId: 1000 }).map((task) => task.id)).toEqual([1000, 1001, 1002]);
  });

  it('writes nested tasks with the documented keys, in order, and values of the documented kinds', () => {
    const tasks = nested({ count: 400, seed: 5 });
    for (const task of tasks) {
      expect(Object.keys(task)).toEqual(NESTED_KEYS);
      expect(TASK_STATUSES).toContain(task.status);
      expect(task.priority).toBeGreaterThanOrEqual(1);
      expect(task.priority).toBeLessThanOrEqual(5);
      expect(task.created_at).toMatch(ISO_TIMESTAMP);
      expect(task.updated_at).toMatch(ISO_TIMESTAMP);
      expect(Date.parse(task.updated_at)).toBeGreaterThanOrEqual(Date.parse(task.created_at));
      expect(task.due_date === null || /^\d{4}-\d{2}-\d{2}$/.test(task.due_date)).toBe(true);
      expect(task.completed_at !== null).toBe(task.status === 'done');
      if (task.completed_at !== null) {
        expect(Date.parse(task.completed_at)).toBeGreaterThanOrEqual(Date.parse(task.created_at));
        expect(Date.parse(task.completed_at)).toBeLessThanOrEqual(Date.parse(task.updated_at));
      }
      expect(task.tags.length).toBeLessThanOrEqual(3);
      expect(new Set(task.tags).size).toBe(task.tags.length);
      expect(task.subtasks.length).toBeLessThanOrEqual(3);
      expect(task.assignee === null || Object.keys(task.assignee).join() === 'id,name,email').toBe(true);
    }
  });

  it('covers nulls, empty lists, unicode, quotes and backslashes within 400 tasks', () => {
    const tasks = nested({ count: 400, seed: 5 });
    const share = (test: (task: NestedTask) => boolean) => tasks.filter(test).length / tasks.length;
    expect(share((task) => task.description === null)).toBeGreaterThan(0.12);
    expect(share((task) => task.description === null)).toBeLessThan(0.28);
    expect(share((task) => task.assignee === null)).toBeGreaterThan(0.08);
    expect(share((task) => task.assignee === null)).toBeLessThan(0.22);
    expect(share((task) => task.tags.length === 0)).toBeGreaterThan(0);
    expect(share((task) => task.subtasks.length === 0)).toBeGreaterThan(0);
    for (const pattern of [/"/, /\\/, /[À-ž]/, /\p{Script=Han}/u, /\p{Extended_Pictographic}/u]) {
      expect(tasks.some((task) => pattern.test(task.name))).toBe(true);
    }
  });

  it('mixes plain, millisecond and offset timestamps, plain being the most common', () => {
    const stamps = nested({ count: 400 }).map((task) => task.created_at);
    const plain = stamps.filter((stamp) => /:\d{2}Z$/.test(stamp)).length;
    const millis = stamps.filter((stamp) => /\.\d{3}Z$/.test(stamp)).length;
    const offset = stamps.filter((stamp) => /[+-]\d{2}:\d{2}$/.test(stamp)).length;
    expect(plain).toBeGreaterThan(stamps.length / 2);
    expect(millis).toBeGreaterThan(0);
    expect(offset).toBeGreaterThan(0);
  });

  it('uses whole-number estimates for the first 150 tasks and a fraction on the 151st', () => {
    const tasks = generateTasks({ count: 300, seed: 2 });
    const whole = tasks.slice(0, WHOLE_ESTIMATE_TASKS).every((task) => Number.isInteger(task.estimate_hours));
    expect(whole).toBe(true);
    expect(Number.isInteger(tasks[WHOLE_ESTIMATE_TASKS]?.estimate_hours)).toBe(false);
    const later = tasks.slice(WHOLE_ESTIMATE_TASKS).filter((task) => !Number.isInteger(task.estimate_hours));
    expect(later.length).toBeGreaterThan(100);
  });

  it('rewrites every 7th task in a revision, later than every original update, and keeps the rest', () => {
    const before = nested({ count: 100, seed: 4 });
    const after = nested({ count: 100, seed: 4, revision: 1 });
    const latestOriginal = Math.max(...before.map((task) => Date.parse(task.updated_at)));
    after.forEach((task, position) => {
      const original = before[position]!;
      if (position % REVISED_EVERY !== 0) {
        expect(task).toEqual(original);
        return;
      }
      expect(task.id).toBe(original.id);
      expect(task.name).not.toBe(original.name);
      expect(task.status).not.toBe(original.status);
      expect(task.tags.length).not.toBe(original.tags.length);
      expect(task.subtasks.length).not.toBe(original.subtasks.length);
      expect(Date.parse(task.updated_at)).toBeGreaterThan(latestOriginal);
      expect(task.completed_at !== null).toBe(task.status === 'done');
    });
    const second = nested({ count: 100, seed: 4, revision: 2 });
    expect(Date.parse(second[0]!.updated_at)).toBeGreaterThan(Date.parse(after[0]!.updated_at));
  });

  it('writes flat tasks with scalar fields only', () => {
    const [task] = generateTasks({ count: 1, shape: 'flat' });
    expect(Object.keys(task!)).toEqual([...NESTED_KEYS.slice(0, 10), 'assignee_id', 'assignee_name']);
    for (const value of Object.values(task!)) expect(value === null || typeof value !== 'object').toBe(true);
  });

  it('makes every id a bigint when firstId is a bigint, exact beyond 2^53', () => {
    const ids = generateTasks({ count: 3, firstId: 2n ** 53n + 1n }).map((task) => task.id);
    expect(ids).toEqual([9007199254740993n, 9007199254740994n, 9007199254740995n]);
  });

  it('refuses number ids that would pass 2^53, since they could not be exact', () => {
    expect(() => generateTasks({ count: 3, firstId: Number.MAX_SAFE_INTEGER - 1 })).toThrow(/bigint/);
  });
});

describe('serializeJson', () => {
  it('writes a bigint as a bare, exact integer', () => {
    expect(serializeJson({ id: 2n ** 64n + 1n, list: [1n] })).toBe('{"id":18446744073709551617,"list":[1]}');
  });

  it('writes the same text as JSON.stringify for any value without bigints', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => serializeJson(value) === JSON.stringify(value)));
    const values = [
      { a: undefined, b: [undefined, Number.NaN], c: new Date(0) },
      generateTasks({ count: 30 }),
    ];
    for (const value of values) expect(serializeJson(value)).toBe(JSON.stringify(value));
  });
});
