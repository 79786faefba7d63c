import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { syntaxReason } from '../errors/syntax-reason.js';
import { ConfigError } from '../errors/tributary-error.js';

/** A JSON object of an OpenAPI document (a schema, an operation, a parameter …). */
export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses an OpenAPI 3.x document from JSON or YAML text (by the file's extension; YAML, a superset
 * of JSON, otherwise). Swagger 2.0 and other documents are refused with what to do.
 */
export function parseOpenApi(text: string, fileName: string): JsonObject {
  let document: unknown;
  try {
    document =
      extname(fileName).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text, { logLevel: 'error' });
  } catch (error) {
    throw new ConfigError(`${fileName} is not valid JSON or YAML: ${syntaxReason(error)}`);
  }
  if (!isObject(document)) throw new ConfigError(`${fileName} is not an OpenAPI document (not an object)`);
  if (typeof document.swagger === 'string') {
    throw new ConfigError(
      `${fileName} is Swagger ${document.swagger}; init reads OpenAPI 3 (convert it first, e.g. with swagger2openapi)`,
    );
  }
  if (typeof document.openapi !== 'string' || !document.openapi.startsWith('3.')) {
    throw new ConfigError(`${fileName} is not an OpenAPI 3 document (no "openapi: 3.x" key)`);
  }
  if (!isObject(document.paths)) throw new ConfigError(`${fileName} has no "paths"`);
  return document;
}

/** Follows local `$ref`s (`#/components/schemas/X`, RFC 6901 pointers); remote refs are not followed. */
export function deref(doc: JsonObject, node: unknown): JsonObject | undefined {
  let current = node;
  for (let hops = 0; hops < 32; hops++) {
    if (!isObject(current)) return undefined;
    const ref = current.$ref;
    if (typeof ref !== 'string') return current;
    if (!ref.startsWith('#/')) return undefined;
    current = ref
      .slice(2)
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), doc);
  }
  return undefined;
}

/** The JSON types a schema allows: `type` as a string or (3.1) a list; implied by properties or items. */
export function schemaTypes(schema: JsonObject): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t): t is string => typeof t === 'string');
  if (isObject(schema.properties) || Array.isArray(schema.allOf)) return ['object'];
  if (schema.items !== undefined) return ['array'];
  return [];
}

/** The properties of an object schema, `allOf` parts merged in order (later parts win). */
export function schemaProperties(doc: JsonObject, node: unknown, depth = 0): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  const schema = deref(doc, node);
  if (schema === undefined || depth > 16) return out;
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf)
      for (const [k, v] of schemaProperties(doc, part, depth + 1)) out.set(k, v);
  }
  if (isObject(schema.properties)) {
    for (const [key, value] of Object.entries(schema.properties)) {
      const resolved = deref(doc, value);
      if (resolved !== undefined) out.set(key, resolved);
    }
  }
  return out;
}

/** The item schema of an array schema, or undefined when the schema is not an array. */
export function arrayItems(doc: JsonObject, node: unknown): JsonObject | undefined {
  const schema = deref(doc, node);
  if (schema === undefined || !schemaTypes(schema).includes('array')) return undefined;
  return deref(doc, schema.items) ?? {};
}

/** One GET operation of the document, its parameters resolved (path-level ones included). */
export interface GetOperation {
  path: string;
  operation: JsonObject;
  queryParams: Array<{ name: string; schema: JsonObject }>;
  pathParams: Array<{ name: string; schema: JsonObject }>;
  /** The JSON schema of the 200 (or first 2xx) response, if it has a JSON body. */
  responseSchema: JsonObject | undefined;
  /** Whether the success response documents a `Link` header (RFC 8288). */
  linkHeader: boolean;
}

function successResponse(doc: JsonObject, operation: JsonObject): JsonObject | undefined {
  if (!isObject(operation.responses)) return undefined;
  const codes = Object.keys(operation.responses).filter((code) => /^2(\d\d|XX)$/i.test(code));
  const code = codes.includes('200') ? '200' : codes.sort()[0];
  return code === undefined ? undefined : deref(doc, operation.responses[code]);
}

function jsonSchemaOf(doc: JsonObject, response: JsonObject | undefined): JsonObject | undefined {
  if (response === undefined || !isObject(response.content)) return undefined;
  const media = Object.keys(response.content).find((type) => /json/i.test(type));
  if (media === undefined) return undefined;
  const content = response.content[media];
  return isObject(content) ? deref(doc, content.schema) : undefined;
}

/** Every GET operation, in document order. */
export function getOperations(doc: JsonObject): GetOperation[] {
  const operations: GetOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths as JsonObject)) {
    const pathItem = deref(doc, item);
    const operation = pathItem === undefined ? undefined : deref(doc, pathItem.get);
    if (pathItem === undefined || operation === undefined) continue;
    const params = new Map<string, { name: string; in: string; schema: JsonObject }>();
    for (const list of [pathItem.parameters, operation.parameters]) {
      if (!Array.isArray(list)) continue;
      for (const raw of list) {
        const param = deref(doc, raw);
        if (param === undefined || typeof param.name !== 'string' || typeof param.in !== 'string') continue;
        params.set(`${param.in}:${param.name}`, {
          name: param.name,
          in: param.in,
          schema: deref(doc, param.schema) ?? {},
        });
      }
    }
    const response = successResponse(doc, operation);
    const headers = isObject(response?.headers) ? Object.keys(response.headers) : [];
    const all = [...params.values()];
    operations.push({
      path,
      operation,
      queryParams: all.filter((p) => p.in === 'query').map(({ name, schema }) => ({ name, schema })),
      pathParams: all.filter((p) => p.in === 'path').map(({ name, schema }) => ({ name, schema })),
      responseSchema: jsonSchemaOf(doc, response),
      linkHeader: headers.some((name) => name.toLowerCase() === 'link'),
    });
  }
  return operations;
}
