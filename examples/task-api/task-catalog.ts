/**
 * The tasks a server currently serves, each serialised once when set, so that answering a page costs
 * a join of ready strings rather than a serialisation of every record on every request.
 */
import { serializeJson } from './exact-json.js';
import type { Task } from './task-types.js';

export class TaskCatalog {
  readonly #texts: string[];
  readonly #positionById = new Map<string, number>();

  constructor(readonly tasks: readonly Task[]) {
    this.#texts = tasks.map((task) => serializeJson(task));
    tasks.forEach((task, position) => {
      // With duplicate ids (a test may serve them on purpose) the first one is the one found by id.
      const id = String(task.id);
      if (!this.#positionById.has(id)) this.#positionById.set(id, position);
    });
  }

  get total(): number {
    return this.#texts.length;
  }

  /** The JSON array of at most `limit` tasks from `offset` on; `[]` past the end. */
  pageJson(offset: number, limit: number): string {
    return `[${this.#texts.slice(offset, offset + limit).join(',')}]`;
  }

  /** The JSON of the task with this id (as written in a URL: decimal digits), if there is one. */
  taskJson(id: string): string | undefined {
    const position = this.#positionById.get(id);
    return position === undefined ? undefined : this.#texts[position];
  }
}
