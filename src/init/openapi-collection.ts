import { PREFERRED_LIST_KEYS } from '../extract/select/select-data.js';
import { arrayItems, deref, type JsonObject, schemaProperties, schemaTypes } from './openapi-document.js';

/** A field of a response body: its dotted path from the body root and its schema. */
export interface ResponseField {
  path: string;
  schema: JsonObject;
}

/** What a list endpoint's response looks like, as far as the spec says. */
export interface CollectionShape {
  /** `$` for a bare array, else the dotted path of the record array (`results`, `data.items`). */
  dataSelector: string;
  /** The schema of one record. */
  itemSchema: JsonObject;
  /** The other fields of the body, to depth 3 (pagination hints: `next`, `count`, `meta.total`). */
  fields: ResponseField[];
}

const MAX_DEPTH = 3;

function walkFields(doc: JsonObject, node: unknown, prefix: string[], out: ResponseField[]): void {
  if (prefix.length >= MAX_DEPTH) return;
  for (const [key, schema] of schemaProperties(doc, node)) {
    const path = [...prefix, key];
    out.push({ path: path.join('.'), schema });
    if (schemaTypes(schema).includes('object')) walkFields(doc, schema, path, out);
  }
}

/**
 * The shape of a list response: a bare array (`$`), or an object holding an array of records
 * (a preferred name first, as dlt's auto-detection; else the first array). Undefined when the body
 * holds no array: the endpoint returns one record, not a list.
 */
export function collectionShape(
  doc: JsonObject,
  responseSchema: JsonObject | undefined,
): CollectionShape | undefined {
  if (responseSchema === undefined) return undefined;
  const bare = arrayItems(doc, responseSchema);
  if (bare !== undefined) return { dataSelector: '$', itemSchema: bare, fields: [] };
  const fields: ResponseField[] = [];
  walkFields(doc, responseSchema, [], fields);
  const arrays = fields.filter((field) => schemaTypes(field.schema).includes('array'));
  const last = (path: string) => path.split('.').pop() ?? path;
  const list = arrays.find((field) => PREFERRED_LIST_KEYS.has(last(field.path))) ?? arrays[0];
  if (list === undefined) return undefined;
  return {
    dataSelector: list.path,
    itemSchema: arrayItems(doc, list.schema) ?? {},
    fields: fields.filter((field) => field !== list && !field.path.startsWith(`${list.path}.`)),
  };
}

/** Whether a schema describes a URL: `format: uri` / `uri-reference`, or a string named like a link. */
export function isUrlField(name: string, schema: JsonObject): boolean {
  const format = typeof schema.format === 'string' ? schema.format : '';
  if (format === 'uri' || format === 'uri-reference' || format === 'url') return true;
  return schemaTypes(schema).includes('string') && /(^|_)(url|href|link)$/i.test(name);
}

/** The record fields named in a schema (top level only), with their schemas. */
export function itemFields(doc: JsonObject, itemSchema: JsonObject): Map<string, JsonObject> {
  return schemaProperties(doc, deref(doc, itemSchema));
}
