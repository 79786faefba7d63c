/**
 * V8's `JSON.parse` messages quote up to ten characters either side of the fault
 * (`Unexpected token 'i', ..." "key": sk_live_"... is not valid JSON`); YAML's add the whole line
 * after the first. Such a cut of a secret is no registered secret, so no redaction could mask it.
 */
const QUOTED_SOURCE = /,\s*(?:\.\.\.)?".*$/s;
/** `"undefined" is not valid JSON`: the whole (short) text quoted. */
const WHOLE_SOURCE = /^(?:\.\.\.)?".*" is not valid JSON$/s;

/**
 * Why a parser refused a text, without quoting the text: the first line of the message with V8's
 * source excerpt dropped (`Unexpected token 'i'`, `… in JSON at position 68`).
 *
 * @example
 * try { JSON.parse(text) } catch (e) { throw new ConfigError(`not valid JSON: ${syntaxReason(e)}`) }
 */
export function syntaxReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? '';
  if (WHOLE_SOURCE.test(firstLine)) return 'not valid JSON';
  return firstLine.replace(QUOTED_SOURCE, '').replace(/:$/, '');
}
