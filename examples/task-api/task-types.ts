/** The records the demo task API serves. Field names are snake_case, as on the wire. */

export const TASK_STATUSES = ['todo', 'in_progress', 'done', 'blocked'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** `nested` has an assignee object and two lists (child tables); `flat` has only scalar fields. */
export const TASK_SHAPES = ['nested', 'flat'] as const;
export type TaskShape = (typeof TASK_SHAPES)[number];

/** A number, or a bigint when ids were asked to start beyond 2^53 (served as exact JSON integers). */
export type TaskId = number | bigint;

export interface TaskAssignee {
  id: number;
  name: string;
  email: string;
}

export interface Subtask {
  id: number;
  title: string;
  done: boolean;
}

/** Fields both shapes share, in wire order. */
export interface TaskScalars {
  id: TaskId;
  name: string;
  status: TaskStatus;
  /** 1 (highest) to 5. */
  priority: number;
  /** Whole numbers for the first 150 tasks, then mostly fractions: a column that widens from int to double. */
  estimate_hours: number;
  description: string | null;
  /** ISO 8601: mostly `2024-03-05T10:20:30Z`, some with milliseconds, some with an offset like `+02:00`. */
  created_at: string;
  /** ISO 8601, never before `created_at`. */
  updated_at: string;
  /** A date without time, `2024-06-01`. */
  due_date: string | null;
  /** Set only when the status is `done`. */
  completed_at: string | null;
}

export interface NestedTask extends TaskScalars {
  assignee: TaskAssignee | null;
  tags: string[];
  subtasks: Subtask[];
}

export interface FlatTask extends TaskScalars {
  assignee_id: number | null;
  assignee_name: string | null;
}

export type Task = NestedTask | FlatTask;
