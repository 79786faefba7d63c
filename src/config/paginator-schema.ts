import { z } from 'zod';

const jsonPath = z.string().min(1);
const stopAfterEmptyPage = z.boolean().optional();

const offsetPaginator = z.strictObject({
  type: z.literal('offset'),
  limit: z.number().int().positive(),
  offset: z.number().int().nonnegative().optional(),
  offset_param: z.string().nullable().optional(),
  limit_param: z.string().nullable().optional(),
  offset_body_path: z.string().nullable().optional(),
  limit_body_path: z.string().nullable().optional(),
  total_path: jsonPath.nullable().optional(),
  maximum_offset: z.number().int().nonnegative().nullable().optional(),
  stop_after_empty_page: stopAfterEmptyPage,
  has_more_path: jsonPath.nullable().optional(),
});

const pageNumberPaginator = z.strictObject({
  type: z.literal('page_number'),
  base_page: z.number().int().optional(),
  page: z.number().int().nullable().optional(),
  page_param: z.string().nullable().optional(),
  page_body_path: z.string().nullable().optional(),
  total_path: jsonPath.nullable().optional(),
  maximum_page: z.number().int().nullable().optional(),
  stop_after_empty_page: stopAfterEmptyPage,
  has_more_path: jsonPath.nullable().optional(),
});

const singlePagePaginator = z.strictObject({ type: z.literal('single_page') });
const autoPaginator = z.strictObject({ type: z.literal('auto') });

const jsonLinkPaginator = z.strictObject({
  type: z.union([z.literal('json_link'), z.literal('json_response')]),
  next_url_path: jsonPath.optional(),
});

const headerLinkPaginator = z.strictObject({
  type: z.literal('header_link'),
  links_next_key: z.string().optional(),
});

const cursorPaginator = z.strictObject({
  type: z.literal('cursor'),
  cursor_path: jsonPath.optional(),
  cursor_param: z.string().nullable().optional(),
  cursor_body_path: z.string().nullable().optional(),
  stop_after_empty_page: stopAfterEmptyPage,
  has_more_path: jsonPath.nullable().optional(),
});

const headerCursorPaginator = z.strictObject({
  type: z.literal('header_cursor'),
  cursor_key: z.string().optional(),
  cursor_param: z.string().optional(),
});

export const PAGINATOR_TYPES = [
  'offset',
  'page_number',
  'single_page',
  'auto',
  'json_link',
  'json_response',
  'header_link',
  'cursor',
  'header_cursor',
] as const;

/** A paginator: a type name (`"single_page"`) or an object with `type` and its parameters. */
export const paginatorConfigSchema = z.union([
  z.enum(PAGINATOR_TYPES),
  z.discriminatedUnion('type', [
    offsetPaginator,
    pageNumberPaginator,
    singlePagePaginator,
    autoPaginator,
    jsonLinkPaginator,
    headerLinkPaginator,
    cursorPaginator,
    headerCursorPaginator,
  ]),
]);

export type PaginatorConfig = z.infer<typeof paginatorConfigSchema>;
export type OffsetPaginatorConfig = z.infer<typeof offsetPaginator>;
export type PageNumberPaginatorConfig = z.infer<typeof pageNumberPaginator>;
