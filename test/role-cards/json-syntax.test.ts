import { describe, expect, it } from 'vitest';
import { writeJson } from '../../src-main/role-cards/formats/json';
import { LineIndex, cardListOffsets, jsonSyntaxError } from '../../src-main/role-cards/formats/json-syntax';
import { makeCard } from './support';

// Positions in JSON come from our own scan, not from V8's error text (which differs between
// Node and Electron). That finding them is linear: json.test.ts, 'a large JSON import'.

describe('where JSON goes wrong, in our words', () => {
  const cases: [string, string, number, RegExp][] = [
    ['a missing comma between fields', '{"a": 1\n "b": 2}', 9, /expected ',' or '}' after a field, found '"': a comma may be missing between two fields/],
    ['a missing comma between elements', '[{"a": 1} {"b": 2}]', 10, /expected ',' or '\]' after an element, found '\{'/],
    ['a trailing comma in an object', '{"a": 1,\n}', 7, /a comma right before '\}': remove the comma after the last field/],
    ['a trailing comma in a list', '[1, 2, ]', 5, /a comma right before '\]': remove the comma after the last element/],
    ['single quotes', "{'a': 1}", 1, /field names need double quotes/],
    ['a single-quoted value', "{\"a\": 'x'}", 6, /text needs double quotes/],
    ['a comment', '{"a": 1, // why\n"b": 2}', 9, /comments are not allowed in JSON/],
    ['a comment where a value goes', '[// list\n1]', 1, /comments are not allowed in JSON/],
    ['a line break inside text', '{"a": "one\ntwo"}', 10, /a line break inside quoted text: a closing " may be missing/],
    ['a tab inside text', '{"a": "one\ttwo"}', 10, /a control character inside quoted text/],
    ['an unknown escape', '{"path": "C:\\Users"}', 12, /unknown escape '\\U' in quoted text/],
    ['a bad \\u escape', '["\\u12G4"]', 2, /'\\u' must be followed by four hexadecimal digits/],
    ['a leading zero', '[01]', 1, /a number JSON does not allow/],
    ['a leading plus', '[+1]', 1, /expected a value .* found '\+'/],
    ['True in capitals', '{"a": True}', 6, /unknown word 'True': JSON writes true, false and null in lower case/],
    ['a missing colon', '{"a" 1}', 5, /expected ':' after the field name, found '1'/],
    ['text after the end', '{"a": 1} {"b": 2}', 9, /'\{' after the end of the JSON/],
    ['a closing bracket of the wrong kind', '{"a": [1, 2}', 11, /expected ',' or '\]' after an element, found '\}'/],
    ['a missing value', '{"a": }', 6, /expected a value .* found '\}'/],
    ['an empty text', '   ', 3, /ends early/],
  ];
  it.each(cases)('%s: JSON.parse refuses it too, and we name the offset and the fix', (_label, text, offset, problem) => {
    expect(() => JSON.parse(text)).toThrow();
    const error = jsonSyntaxError(text);
    expect(error).toMatchObject({ offset });
    expect(error!.problem).toMatch(problem);
  });

  it.each([
    ['truncated in a value', '{"cards": [{"a": 1}, {"b": "tex'],
    ['truncated after a comma', '[1, 2,'],
    ['truncated in a word', '[tr'],
    ['truncated in an escape', '["a\\'],
  ])('%s: the offset is the end of the text, so the reader says the file is truncated', (_label, text) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonSyntaxError(text)).toMatchObject({ offset: text.length });
  });

  it.each([
    ['a card file', writeJson([{ ...makeCard(), id: 1, createdAt: 'x', updatedAt: 'y' } as never], 'now')],
    ['escapes and unicode', '{"a": "\\"\\\\\\/\\b\\f\\n\\r\\t\\u4e2D 😢 𠀀", "b": [-0.5e+3, 0, 1E2, true, false, null, {}, []]}'],
    ['a bare value', ' "text" '],
    ['a deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ])('accepts what JSON.parse accepts: %s', (_label, text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(jsonSyntaxError(text)).toBeUndefined();
  });

  it('reads a deeply nested broken file without overflowing the stack', () => {
    expect(jsonSyntaxError(`${'['.repeat(200_000)}}`)).toMatchObject({ offset: 200_000 });
  });
});

describe('positions', () => {
  it('gives line and column of any offset', () => {
    const index = new LineIndex('ab\ncd\r\n\nx');
    expect([0, 1, 3, 4, 5, 7, 8].map((o) => index.at(o))).toEqual([
      { line: 1, column: 1 },
      { line: 1, column: 2 },
      { line: 2, column: 1 },
      { line: 2, column: 2 },
      { line: 2, column: 3 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
    ]);
  });

  it('finds the elements of the card list only: a bare list, or our wrapper\'s "cards"', () => {
    const bare = '[ {"a": [{"x": 1}]},\n  {"b": "[{"} ,"t" ]';
    expect(cardListOffsets(bare).map((o) => bare[o])).toEqual(['{', '{', '"']);
    const wrapper = '{"note": "cards", "other": [{"n": 1}], "cards": [\n{"a": {"cards": [1, 2]}}, {"b": "\\\\"}], "more": [{"z": 0}]}';
    expect(cardListOffsets(wrapper).map((o) => wrapper.slice(o, o + 4))).toEqual(['{"a"', '{"b"']);
    expect(cardListOffsets('{"cards": []}')).toEqual([]);
  });
});
