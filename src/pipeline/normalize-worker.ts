import { parentPort } from 'node:worker_threads';
import { createNaming } from '../normalize/naming.js';
import { SchemaEvolver } from '../schema/schema-evolver.js';
import type { FromWorker, HandOver, TableLines, ToWorker } from './normalize-worker-protocol.js';
import { transferError } from './normalize-worker-protocol.js';
import { recordsFromText } from './record-transfer.js';
import { ResourceTableWriter, tableLines } from './resource-table-writer.js';
import { TableSchemaChanges } from './table-schema-changes.js';

/**
 * The normalize worker: a thread that turns records into the JSON lines of the load package, so
 * that normalizing (flatten, coerce, row ids) runs beside fetching and parsing on a second core.
 * It takes over the schema evolver's state from the pipeline's thread, normalizes batches in the
 * order they arrive, and hands back the evolved schema at the end. The pipeline's thread writes
 * the lines, in the same order, so the package is the same as without the worker.
 */

const port = parentPort;
if (port === null) throw new Error('normalize-worker.js runs as a worker thread');

interface Normalizer {
  evolver: SchemaEvolver;
  writers: Map<string, ResourceTableWriter>;
  changes: TableSchemaChanges;
}

function takeOver(state: HandOver): Normalizer {
  const naming = createNaming(state.maxIdentifierLength);
  const evolver = new SchemaEvolver(state.schema, naming, state.detections, { baseline: state.baseline });
  const writers = new Map<string, ResourceTableWriter>();
  for (const { plan, recordsBefore } of state.resources) {
    writers.set(plan.name, new ResourceTableWriter(plan, naming, evolver, state.loadId, { recordsBefore }));
  }
  return { evolver, writers, changes: new TableSchemaChanges() };
}

const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const utf8 = new TextEncoder();
let normalizer: Normalizer | undefined;

port.on('message', (message: ToWorker) => {
  try {
    if (message.type === 'hand-over') {
      normalizer = takeOver(message.state);
      return;
    }
    if (normalizer === undefined) throw new Error(`normalize worker: ${message.type} before the hand-over`);
    if (message.type === 'records') {
      const started = performance.now();
      const writer = normalizer.writers.get(message.resource);
      if (writer === undefined) throw new Error(`normalize worker: no resource ${message.resource}`);
      // Encoded here, so that the pipeline's thread writes bytes instead of converting text.
      const tables: Array<TableLines & { lines: Uint8Array }> = tableLines(
        writer.rows(recordsFromText(message.records)),
      ).map(({ table, lines, rows }) => ({
        table,
        lines: utf8.encode(lines),
        rows,
      }));
      normalizer.changes.attach(normalizer.evolver.schema, tables);
      const buffers = tables.map((t) => t.lines.buffer as ArrayBuffer);
      send({ type: 'normalized', id: message.id, tables, normalizeMs: performance.now() - started }, buffers);
      return;
    }
    const discarded: Record<string, number> = {};
    for (const [name, writer] of normalizer.writers) discarded[name] = writer.discardedRows;
    send({ type: 'finished', schema: normalizer.evolver.schema, discarded });
  } catch (error) {
    send({ type: 'failed', error: transferError(error) });
  }
});
send({ type: 'ready' });
