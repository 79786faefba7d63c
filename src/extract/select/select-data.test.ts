import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../normalize/json-values.js';
import { detectDataSelector, selectData } from './select-data.js';

describe('data selection', () => {
  it('picks records by a dotted JSONPath and unwraps a single match', () => {
    expect(selectData({ data: [{ id: 1 }, { id: 2 }] }, 'data')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(selectData({ results: { posts: [{ id: 3 }] } }, 'results.posts')).toEqual([{ id: 3 }]);
    expect(selectData({ '@odata.value': [1] }, "['@odata.value']")).toEqual([1]);
  });

  it('wraps a single object, and treats null or no match as an empty page', () => {
    expect(selectData({ id: 1 }, '$')).toEqual([{ id: 1 }]);
    expect(selectData({ data: null }, 'data')).toEqual([]);
    expect(selectData({ other: [1] }, 'data')).toEqual([]);
  });

  it('detects the usual list key first, else the first list, else the whole object', () => {
    expect(detectDataSelector({ meta: { tags: ['a'] }, results: [{ id: 1 }] })).toBe('results');
    expect(detectDataSelector({ _embedded: { things: [1] } })).toBe('_embedded.things');
    expect(detectDataSelector({ id: 1, name: 'x' })).toBe('$');
    expect(detectDataSelector([{ id: 1 }])).toBe('$');
  });

  it('searches depth-first in key order, at most three keys deep', () => {
    expect(detectDataSelector({ a: { list: [1] }, b: [2] })).toBe('a.list');
    expect(detectDataSelector({ a: { b: { c: { d: [1] } } } })).toBe('$');
  });
});

describe('quoted keys', () => {
  it('reads keys with dots and a leading @ literally', () => {
    const body = { 'a.b': [1], x: { '@odata.nextLink': 'u' }, '@odata.value': [2] };
    expect(selectData(body, "['a.b']")).toEqual([1]);
    expect(selectData(body, "x['@odata.nextLink']")).toEqual(['u']);
    expect(selectData(body, "$['@odata.value']")).toEqual([2]);
  });

  it('selects from a body nested 10,000 levels deep, and explains a ".." path that is too deep to search', () => {
    let deep: JsonValue = { id: 1 };
    for (let level = 0; level < 10_000; level++) deep = { a: deep };
    const body = { data: [deep] };
    expect(selectData(body, 'data')).toEqual([deep]);
    expect(() => selectData(body, '$..id')).toThrow(
      'JSONPath "$..id" cannot be evaluated: the document is nested too deeply for this path; use a path without ".." (recursive descent)',
    );
  });
});
