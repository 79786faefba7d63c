import { Document, isMap, isScalar, isSeq, type Node, visit } from 'yaml';

/** A generated config before it is written: the config tree and the comments that explain it. */
export interface Scaffold {
  /** Comment lines at the top of the file. */
  header: string[];
  /** A dlt `rest_api_source` config (`client`, `resource_defaults`, `resources`). */
  config: Record<string, unknown>;
  /**
   * Comment lines written above a key or a list item, by dotted path: `client.auth`, `resources.3`,
   * `resource_defaults.endpoint`.
   */
  notes: Map<string, string[]>;
  /** Comment lines at the end (what was not generated). */
  footer: string[];
  /** Dotted secret keys the config references as `{secrets.<key>}`. */
  secrets: string[];
  /** Printed by the CLI after writing. */
  warnings: string[];
}

/** Maps and lists under these keys are written inline (`paginator: { type: offset, limit: 100 }`). */
const FLOW_KEYS = new Set([
  'paginator',
  'auth',
  'params',
  'include_from_parent',
  'primary_key',
  'access_token_request_data',
]);

const COMMENT_WIDTH = 100;

/** Long comment lines are wrapped at spaces; a continuation keeps the line's indent. */
function wrap(line: string): string[] {
  const indent = /^\s*/.exec(line)?.[0] ?? '';
  const out: string[] = [];
  let rest = line;
  while (rest.length > COMMENT_WIDTH) {
    const cut = rest.lastIndexOf(' ', COMMENT_WIDTH);
    if (cut <= indent.length) break;
    out.push(rest.slice(0, cut));
    rest = `${indent}${rest.slice(cut + 1)}`;
  }
  out.push(rest);
  return out;
}

const commentText = (lines: string[]) =>
  lines
    .flatMap(wrap)
    .map((line) => ` ${line}`)
    .join('\n');

function noteNode(doc: Document, path: string, lines: string[]): void {
  const parts = path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const last = parts.pop();
  const parent = parts.length === 0 ? doc.contents : doc.getIn(parts, true);
  if (typeof last === 'number' && isSeq(parent)) {
    const item = parent.items[last] as Node | undefined;
    if (item) item.commentBefore = commentText(lines);
  } else if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    if (pair && isScalar(pair.key)) pair.key.commentBefore = commentText(lines);
  }
}

/**
 * Writes a scaffold as YAML: block style for the structure, small maps inline, the notes as comments
 * above what they explain. Strings with braces (`"{secrets.api_key}"`) come out quoted.
 */
export function renderScaffold(scaffold: Scaffold): string {
  const doc = new Document(scaffold.config);
  visit(doc, {
    Pair(_key, pair) {
      if (
        isScalar(pair.key) &&
        FLOW_KEYS.has(String(pair.key.value)) &&
        (isMap(pair.value) || isSeq(pair.value))
      ) {
        pair.value.flow = true;
      }
    },
  });
  if (scaffold.header.length > 0) doc.commentBefore = commentText(scaffold.header);
  for (const [path, lines] of scaffold.notes) noteNode(doc, path, lines);
  if (scaffold.footer.length > 0) doc.comment = commentText(scaffold.footer);
  return doc.toString({ lineWidth: 110, flowCollectionPadding: true });
}
