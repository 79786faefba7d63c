import { TributaryError } from '../errors/tributary-error.js';

/** An identifier (table, dataset or column name) that is empty or only whitespace cannot be normalized. */
export class EmptyIdentifierError extends TributaryError {
  constructor(readonly identifier: string) {
    super(
      'SCHEMA_VIOLATION',
      `Cannot normalize the identifier ${JSON.stringify(identifier)}: it is empty or only whitespace. Give it a name.`,
    );
    this.name = 'EmptyIdentifierError';
  }
}

export interface NameCollision {
  table: string;
  /** The normalized column or nested table name both keys map to. */
  name: string;
  kind: 'column' | 'nested table';
  /** Raw key paths (outermost key first) of the two source keys. */
  sources: readonly [readonly string[], readonly string[]];
}

/**
 * Two different source keys of one record normalize to the same column (`userId` and `user_id`) or
 * nested table. dlt silently keeps the last value; Tributary refuses, because the other value would be
 * lost without a trace.
 */
export class NameCollisionError extends TributaryError {
  declare readonly code: 'NAME_COLLISION';
  readonly collision: NameCollision;
  constructor(collision: NameCollision) {
    const [first, second] = collision.sources.map(describeKeyPath);
    super(
      'NAME_COLLISION',
      `Keys ${first} and ${second} both normalize to the ${collision.kind} "${collision.name}" of table ` +
        `"${collision.table}"; dlt would silently keep only the last value. Rename or drop one of the keys ` +
        'before normalization.',
      {
        context:
          collision.kind === 'column'
            ? { table: collision.table, column: collision.name }
            : { table: collision.table },
      },
    );
    this.name = 'NameCollisionError';
    this.collision = collision;
  }
}

function describeKeyPath(path: readonly string[]): string {
  return path.map((key) => JSON.stringify(key)).join(' > ');
}
