import { TributaryError } from '../errors/tributary-error.js';

export const CONTRACT_MODES = ['evolve', 'freeze', 'discard_row', 'discard_value'] as const;
export type ContractMode = (typeof CONTRACT_MODES)[number];
export const CONTRACT_ENTITIES = ['tables', 'columns', 'data_type'] as const;
export type ContractEntity = (typeof CONTRACT_ENTITIES)[number];

/** dlt's schema contract: what may change for new tables, new columns and data types. */
export type SchemaContract = Record<ContractEntity, ContractMode>;

export type SchemaContractInput = ContractMode | { [entity in ContractEntity]?: ContractMode | undefined };

export const EVOLVE_ALL: SchemaContract = { tables: 'evolve', columns: 'evolve', data_type: 'evolve' };

/**
 * Resolves a contract as dlt does: a mode string applies to all three entities; a dict sets some;
 * the resource's setting wins over the source's, unset entities `evolve`.
 */
export function resolveContract(...layers: Array<SchemaContractInput | undefined>): SchemaContract {
  const contract = { ...EVOLVE_ALL };
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (typeof layer === 'string')
      Object.assign(contract, { tables: layer, columns: layer, data_type: layer });
    else {
      for (const entity of CONTRACT_ENTITIES) {
        const mode = layer[entity];
        if (mode !== undefined) contract[entity] = mode;
      }
    }
  }
  return contract;
}

/** What happens to a row that brings a change the contract does not allow to evolve. */
export type ContractVerdict = 'accept' | 'discard_row' | 'discard_value';

export function contractVerdict(
  mode: ContractMode,
  entity: ContractEntity,
  where: { resource: string; recordKey: string; table: string; column?: string },
): ContractVerdict {
  if (mode === 'evolve') return 'accept';
  if (mode === 'freeze') {
    const what =
      entity === 'tables'
        ? `new table ${where.table}`
        : entity === 'columns'
          ? `new column ${where.table}.${where.column}`
          : `a value of another type for ${where.table}.${where.column}`;
    throw new TributaryError(
      'SCHEMA_CONTRACT',
      `resource ${where.resource}, record ${where.recordKey}: ${what} is not allowed (schema_contract ${entity}: freeze); nothing was loaded`,
      {
        context: {
          resource: where.resource,
          table: where.table,
          ...(where.column ? { column: where.column } : {}),
        },
      },
    );
  }
  // A whole table cannot lose just one value: discard_value on tables drops the row.
  return entity === 'tables' ? 'discard_row' : mode;
}
