import type { RestApiSource } from '../config/rest-api-source.js';
import type { Destination } from '../destinations/destination.js';
import { ConfigError } from '../errors/tributary-error.js';

/**
 * Refuses a run before any request when a selected resource asks for a write disposition the
 * destination cannot apply (by its capabilities), so that no load package is made that could
 * never load.
 *
 * @example
 * refuseUnsupportedDispositions(source, new FilesystemDestination({ bucketUrl: './lake' })); // throws for merge
 */
export function refuseUnsupportedDispositions(source: RestApiSource, destination: Destination): void {
  if (destination.capabilities.supportsMerge) return;
  const merged = source.resources
    .filter((r) => r.selected && r.writeDisposition === 'merge')
    .map((r) => r.name);
  if (merged.length === 0) return;
  throw new ConfigError(
    `resource(s) ${merged.join(', ')} have write_disposition merge, which the ${destination.type} destination does not support; set write_disposition to append or replace, or load into a destination that merges (duckdb, postgres)`,
  );
}
