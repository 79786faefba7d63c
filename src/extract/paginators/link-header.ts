/** One link-value of an HTTP `Link` header (RFC 8288 §3). */
export interface WebLink {
  /** The URI-Reference between `<` and `>`, unresolved. */
  target: string;
  /** Relation types of the first `rel` param, lower-cased (RFC 8288 §3.3: compared case-insensitively). */
  rels: string[];
  /** Params by lower-cased name; only the first occurrence of each counts. */
  params: Record<string, string>;
}

const WHITESPACE = new Set([' ', '\t']);

/**
 * Parses a `Link` header (RFC 8288 §3), which may be several headers joined with `,`:
 * `<https://a/2>; rel="next last", <https://a/1>; rel=prev`. Commas and semicolons inside `<…>` and
 * inside quoted strings belong to them; quoted strings may hold `\"` escapes (RFC 9110 §5.6.4).
 * A malformed link-value is skipped up to the next top-level comma rather than failing the page.
 *
 * @example
 * parseLinkHeader('</items?page=2>; rel="next last"')
 * // [{ target: '/items?page=2', rels: ['next', 'last'], params: { rel: 'next last' } }]
 */
export function parseLinkHeader(header: string): WebLink[] {
  const links: WebLink[] = [];
  let i = 0;
  const skipWhitespace = (): void => {
    while (i < header.length && WHITESPACE.has(header[i] ?? '')) i++;
  };
  const skipToNextLink = (): void => {
    while (i < header.length && header[i] !== ',') {
      if (header[i] === '"') readQuoted();
      else if (header[i] === '<') i = header.indexOf('>', i) < 0 ? header.length : header.indexOf('>', i) + 1;
      else i++;
    }
  };
  const readQuoted = (): string => {
    let value = '';
    i++; // opening quote
    while (i < header.length && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < header.length) i++;
      value += header[i];
      i++;
    }
    i++; // closing quote
    return value;
  };
  const readToken = (stops: string): string => {
    const start = i;
    while (i < header.length && !stops.includes(header[i] ?? '') && !WHITESPACE.has(header[i] ?? '')) i++;
    return header.slice(start, i);
  };

  while (i < header.length) {
    skipWhitespace();
    if (header[i] === ',') {
      i++;
      continue;
    }
    if (header[i] !== '<') {
      skipToNextLink();
      continue;
    }
    const close = header.indexOf('>', i);
    if (close < 0) break;
    // A null prototype, so params named `__proto__` or `constructor` are plain entries.
    const params: Record<string, string> = Object.create(null);
    const link: WebLink = { target: header.slice(i + 1, close).trim(), rels: [], params };
    i = close + 1;
    for (skipWhitespace(); header[i] === ';'; skipWhitespace()) {
      i++;
      skipWhitespace();
      const name = readToken('=;,').toLowerCase();
      skipWhitespace();
      let value = '';
      if (header[i] === '=') {
        i++;
        skipWhitespace();
        value = header[i] === '"' ? readQuoted() : readToken(';,');
      }
      // RFC 8288 §3.3: occurrences of `rel` after the first MUST be ignored; we do so for every param.
      if (name !== '' && !(name in params)) params[name] = value;
    }
    skipToNextLink();
    link.rels = (params.rel ?? '')
      .toLowerCase()
      .split(/[ \t]+/)
      .filter(Boolean);
    links.push(link);
  }
  return links;
}

/**
 * The target of the first link whose `rel` holds `relation` (case-insensitive, RFC 8288 §2.1.1),
 * or undefined when the header has none.
 */
export function findLinkTarget(header: string | undefined, relation: string): string | undefined {
  if (header === undefined) return undefined;
  const wanted = relation.toLowerCase();
  return parseLinkHeader(header).find((link) => link.rels.includes(wanted))?.target;
}
