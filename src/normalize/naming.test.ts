import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createNaming,
  identifierTag,
  normalizeIdentifier,
  normalizePath,
  shortenFragments,
  shortenIdentifier,
} from './naming.js';
import { EmptyIdentifierError } from './normalize-errors.js';

// Every example of reference §1.1 plus vectors produced by dlt 1.26.0 (`snake_case.NamingConvention`).
const IDENTIFIERS: ReadonlyArray<readonly [string, string]> = [
  ['CamelCase', 'camel_case'],
  ['createdAt', 'created_at'],
  ['HTTPResponse', 'http_response'],
  ['getHTTPResponseCode', 'get_http_response_code'],
  ['UserID', 'user_id'],
  ['iD', 'i_d'],
  ['aBC', 'a_bc'],
  ['Abc1Def', 'abc1_def'],
  ['123abc', '_123abc'],
  ['1', '_1'],
  ['a+b', 'axb'],
  ['email@', 'emaila'],
  ['x|y', 'xly'],
  ['Price ($)', 'pricex'],
  ['user id', 'user_id'],
  ['_', 'x'],
  ['ÄÖÜ', 'x'],
  ['LIST+ident:1', 'lis_txident_1'],
  ['col_', 'colx'],
  ['a__', 'axx'],
  ['näme', 'n_me'],
  ['  padded  ', 'padded'],
  ['__col', '_col'],
  ['a__b', 'a_b'],
  ['A__B', 'a_b'],
  ['٣abc', '_٣abc'],
  ['x٣', 'x٣'],
  ['\x1cfoo\x1c', 'foo'],
  ['\ufeffbar', '_bar'],
  ['a-b*c', 'a_bxc'],
  ['_dlt_id', '_dlt_id'],
  ['__proto__', '_protoxx'],
  ['ABCDef', 'abc_def'],
  ['a1B2c3', 'a1_b2c3'],
  ['HELLO_world', 'hello_world'],
  ['hello__world__', 'hello_worldxx'],
  ['😀smile', '_smile'],
  ['1😀', '_1x'],
];

const PATHS: ReadonlyArray<readonly [string, string]> = [
  ['a__b', 'a__b'],
  ['A__B', 'a__b'],
  ['__col', 'col'],
  ['a__', 'a'],
  ['hello__world__', 'hello__world'],
  ['__proto__', 'proto'],
  ['createdAt', 'created_at'],
  ['_', 'x'],
];

const LONG = 'this_is_a_very_long_identifier_that_certainly_exceeds_the_postgres_limit_of_sixty_three';
const CAMEL = 'ThisIsAVeryLongCamelCaseIdentifierThatCertainlyExceedsThePostgresLimitOfSixtyThreeChars';
const DEEP = 'customer__addresses__shipping_information__street_address_line_number_two_extra';

describe('normalizeIdentifier', () => {
  it.each(IDENTIFIERS)('normalizes %j to %j', (input, expected) => {
    expect(normalizeIdentifier(input)).toBe(expected);
  });

  it('rejects an empty or whitespace-only identifier', () => {
    expect(() => normalizeIdentifier('')).toThrow(EmptyIdentifierError);
    expect(() => normalizeIdentifier(' \t\x1f')).toThrow(/empty or only whitespace/);
  });

  it.each([
    [LONG, 'this_is_a_very_long_identifieewt87wostgres_limit_of_sixty_three'],
    [CAMEL, 'this_is_a_very_long_camel_casajk6ugs_limit_of_sixty_three_chars'],
    [DEEP, 'customer_addresses_shipping_ioqj5hqddress_line_number_two_extra'],
    [`  ${LONG}  `, 'this_is_a_very_long_identifieewt87wostgres_limit_of_sixty_three'],
    ['a'.repeat(64), 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaafv1mmaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['a'.repeat(63), 'a'.repeat(63)],
    ['b'.repeat(200), `${'b'.repeat(29)}pahkla${'b'.repeat(28)}`],
    [`a__${'b'.repeat(70)}`, `a_${'b'.repeat(27)}ja6wwg${'b'.repeat(28)}`],
  ])('shortens %j to 63 characters like dlt', (input, expected) => {
    const shortened = normalizeIdentifier(input, 63);
    expect(shortened).toBe(expected);
    expect(shortened.length).toBeLessThanOrEqual(63);
  });

  it.each([
    [LONG, 'this_ewt87wthree'],
    [CAMEL, 'this_ajk6ugchars'],
    [DEEP, 'custooqj5hqextra'],
    ['exactly_sixteen_', 'exactly_sixteenx'],
    ['exactly_sixteen1', 'exactly_sixteen1'],
    ['seventeen_chars_x', 'sevenn9hhdwars_x'],
    ['a'.repeat(63), 'aaaaa0egbbaaaaaa'],
    [`${'Ünïcödé_'.repeat(10)}`, '_n_c_en7aiac_dxx'],
    ['𝟎'.repeat(20), '_𝟎𝟎𝟎𝟎aoeb2q𝟎𝟎𝟎𝟎𝟎'],
    ['٣'.repeat(20), '_٣٣٣٣xjylya٣٣٣٣٣'],
  ])('shortens %j to 16 characters like dlt', (input, expected) => {
    expect(normalizeIdentifier(input, 16)).toBe(expected);
  });

  it('is idempotent for any input that normalizes', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.constantFrom(undefined, 16, 63),
        (s, max) => {
          let once: string;
          try {
            once = normalizeIdentifier(s, max);
          } catch (error) {
            if (error instanceof EmptyIdentifierError) return;
            throw error;
          }
          expect(normalizeIdentifier(once, max)).toBe(once);
          expect(normalizePath(once, max)).toBe(once);
        },
      ),
    );
  });
});

describe('normalizePath', () => {
  it.each(PATHS)('normalizes the path %j to %j', (input, expected) => {
    expect(normalizePath(input)).toBe(expected);
  });

  it('returns an empty name for a path made only of separators, as dlt does', () => {
    expect(normalizePath('__')).toBe('');
  });

  it('shortens the joined path with a tag computed from the raw input', () => {
    expect(normalizePath(DEEP, 63)).toBe('customer__addresses__shippingoqj5hqddress_line_number_two_extra');
    expect(normalizePath(`a__${'b'.repeat(70)}`, 63)).toBe(`a__${'b'.repeat(26)}ja6wwg${'b'.repeat(28)}`);
    expect(normalizePath(DEEP, 16)).toBe('custooqj5hqextra');
    expect(normalizePath(`a__${'b'.repeat(70)}`, 16)).toBe('a__bbja6wwgbbbbb');
  });

  it('shortens each part before joining, so one long part keeps its own tag', () => {
    expect(normalizePath(`  ${LONG}  `, 63)).toBe(
      'this_is_a_very_long_identifieewt87wostgres_limit_of_sixty_three',
    );
  });
});

describe('shortenFragments', () => {
  it('joins fragments with the path separator and drops blank ones', () => {
    expect(shortenFragments(undefined, 'users', 'pets')).toBe('users__pets');
    expect(shortenFragments(63, 't', '', 'b')).toBe('t__b');
  });

  it('shortens with a tag computed from the joined normalized path', () => {
    const fragments = [
      'very_long_table_name_for_testing',
      'nested_list_of_things',
      'and_more_levels_that_go_deep',
    ];
    expect(shortenFragments(63, ...fragments)).toBe(
      'very_long_table_name_for_testmpqevqand_more_levels_that_go_deep',
    );
    expect(shortenFragments(16, ...fragments)).toBe('very_mpqevq_deep');
    expect(shortenFragments(16, 'orders', 'line_items', 'product_details')).toBe('orderhjbmmgtails');
    expect(shortenFragments(16, 'aaaa_bbbb', 'cccc_dddd')).toBe('aaaa_ye6b6w_dddd');
  });
});

describe('shortenIdentifier', () => {
  it('returns names within the limit unchanged', () => {
    expect(shortenIdentifier('abc', 'ignored', 3)).toBe('abc');
    expect(shortenIdentifier('a'.repeat(100), 'x', undefined)).toBe('a'.repeat(100));
  });

  it('places the tag in the middle, giving the odd remainder to the head', () => {
    const shortened = shortenIdentifier('abcdefghijklmnopq', 'source', 11);
    expect(shortened).toBe(`abc${identifierTag('source')}pq`);
  });

  it('computes the tag as dlt does', () => {
    expect(identifierTag('')).toBe('f5wrpa');
    expect(identifierTag('a')).toBe('hcjeia');
    expect(identifierTag(LONG)).toBe('ewt87w');
    expect(identifierTag('😀')).toBe('tstilw');
  });
});

describe('createNaming', () => {
  it('binds the max length for every function', () => {
    const naming = createNaming(16);
    expect(naming.maxLength).toBe(16);
    expect(naming.normalizeIdentifier(LONG)).toBe('this_ewt87wthree');
    expect(naming.normalizePath(DEEP)).toBe('custooqj5hqextra');
    expect(naming.normalizePath(DEEP)).toBe('custooqj5hqextra');
    expect(naming.shortenFragments('orders', 'line_items', 'product_details')).toBe('orderhjbmmgtails');
    expect(naming.shortenPath(['orders', 'line_items', 'product_details'])).toBe('orderhjbmmgtails');
  });

  it('never shortens without a max length', () => {
    expect(createNaming().normalizePath(LONG)).toBe(LONG);
  });
});
