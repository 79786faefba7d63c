/**
 * Slices of raw JSON text, so records can be served exactly as a case file writes them: a parsed
 * JavaScript object would list integer-like keys (`"1"`) first and lose the key order that decides
 * dlt's column order.
 */

function skipSpace(text: string, at: number): number {
  let i = at;
  while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  return i;
}

/** Index just past the JSON value that starts at `at` (whitespace skipped first). */
function skipValue(text: string, at: number): number {
  let i = skipSpace(text, at);
  const first = text[i];
  if (first === '"') {
    for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    return i + 1;
  }
  if (first === '{' || first === '[') {
    let depth = 0;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '"') i = skipValue(text, i) - 1;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    throw new SyntaxError('unterminated JSON container');
  }
  while (i < text.length && !',]} \t\n\r'.includes(text[i]!)) i++;
  return i;
}

/** The raw text of each element of the array under `key` of the top-level object. */
export function rawArrayElements(text: string, key: string): string[] {
  let i = skipSpace(text, 0);
  if (text[i] !== '{') throw new SyntaxError('expected a JSON object');
  i++;
  for (;;) {
    i = skipSpace(text, i);
    if (text[i] === '}') break;
    const keyEnd = skipValue(text, i);
    const name = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd) + 1; // past ':'
    const valueStart = skipSpace(text, i);
    const valueEnd = skipValue(text, valueStart);
    if (name === key) {
      if (text[valueStart] !== '[') throw new SyntaxError(`"${key}" is not an array`);
      const elements: string[] = [];
      let j = skipSpace(text, valueStart + 1);
      while (text[j] !== ']') {
        const end = skipValue(text, j);
        elements.push(text.slice(j, end));
        j = skipSpace(text, end);
        if (text[j] === ',') j = skipSpace(text, j + 1);
      }
      return elements;
    }
    i = skipSpace(text, valueEnd);
    if (text[i] === ',') i++;
  }
  throw new SyntaxError(`no "${key}" in the JSON object`);
}
