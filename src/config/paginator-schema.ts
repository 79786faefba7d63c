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

const jsonLinkPaginator = z.strictObject({
  type: z.union([z.literal('json_link'), z.literal('json_response')]),
  next_url_path: jsonPath.optional(),
});

const headerLinkPaginator = z.strictObject({
  type: z.literal('header_link'),
  links_next_key: z.string().optional(),
});

/** Beyond dlt (dlt-hub/dlt#4428): the cursor of the first request; `""` counts (sends `cursor=`). */
const initialCursor = z.union([z.string(), z.number()]).nullable().optional();

const cursorPaginator = z.strictObject({
  type: z.literal('cursor'),
  cursor_path: jsonPath.optional(),
  cursor_param: z.string().nullable().optional(),
  cursor_body_path: z.string().nullable().optional(),
  stop_after_empty_page: stopAfterEmptyPage,
  has_more_path: jsonPath.nullable().optional(),
  initial_cursor: initialCursor,
});

const headerCursorPaginator = z.strictObject({
  type: z.literal('header_cursor'),
  cursor_key: z.string().min(1).optional(),
  cursor_param: z.string().min(1).optional(),
  initial_cursor: initialCursor,
});

const TYPED_PAGINATORS = [
  offsetPaginator,
  pageNumberPaginator,
  jsonLinkPaginator,
  headerLinkPaginator,
  headerCursorPaginator,
  cursorPaginator,
];

/**
 * `auto` (detect from the first response). dlt types every paginator dict's `type` with the full list
 * of names, so `{type: 'auto', next_url_path: 'x'}` passes its validation and the keys are ignored:
 * `auto` takes the keys of any one paginator, not a mix. (A dict without `type` fails dlt's
 * validation, and so fails here.)
 */
const autoPaginator = z
  .strictObject({
    ...offsetPaginator.shape,
    ...pageNumberPaginator.shape,
    ...jsonLinkPaginator.shape,
    ...headerLinkPaginator.shape,
    ...headerCursorPaginator.shape,
    ...cursorPaginator.shape,
  })
  .partial()
  .extend({ type: z.literal('auto') })
  .superRefine((value, ctx) => {
    const keys = Object.keys(value).filter((key) => key !== 'type');
    if (!TYPED_PAGINATORS.some((p) => keys.every((key) => key in p.shape))) {
      ctx.addIssue({ code: 'custom', message: '`auto` takes the keys of one paginator type, not a mix' });
    }
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
export type JsonLinkPaginatorConfig = z.infer<typeof jsonLinkPaginator>;
export type HeaderLinkPaginatorConfig = z.infer<typeof headerLinkPaginator>;
export type CursorPaginatorConfig = z.infer<typeof cursorPaginator>;
export type HeaderCursorPaginatorConfig = z.infer<typeof headerCursorPaginator>;
