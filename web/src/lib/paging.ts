// A cursor-paged list's page in the URL (issue 18): `?page=N` (1-based) says which page, so a
// reload, Back and a shared link keep it; the cursors of the pages already seen ride in the
// history entry's state, so paging back and forth (and Back) needs no extra request. A page
// opened from its URL alone finds its cursor by reading the pages before it (resources).

export interface PagingState {
  pageCursors?: Record<string, string>;
}

// The page a URL's ?page= names; 1 for anything but a whole number from 1.
export function pageFromParam(value: string | null): number {
  if (!value || !/^\d{1,6}$/.test(value)) return 1;
  return Math.max(1, Number(value));
}

// The cursor of a page from the history state: null for the first page (none needed), undefined
// when not known.
export function knownCursor(state: unknown, page: number): string | null | undefined {
  if (page <= 1) return null;
  const cursors = (state as PagingState | null)?.pageCursors;
  const c = cursors && typeof cursors === "object" ? cursors[String(page)] : undefined;
  return typeof c === "string" ? c : undefined;
}

// The history state with a page's cursor added (the first page's is never kept).
export function withCursor(state: unknown, page: number, cursor: string | null | undefined): PagingState {
  const cursors = { ...((state as PagingState | null)?.pageCursors ?? {}) };
  if (page > 1 && typeof cursor === "string") cursors[String(page)] = cursor;
  return { ...(state && typeof state === "object" ? state : {}), pageCursors: cursors };
}

// The URL's search for a page: ?page= set, or removed for the first page.
export function searchForPage(params: URLSearchParams, page: number): string {
  const next = new URLSearchParams(params);
  if (page > 1) next.set("page", String(page));
  else next.delete("page");
  return next.toString();
}

// The sizes of the requests that read `skip` items, `max` at most each: 450 in 200s -> 200, 200, 50.
export function chunks(skip: number, max: number): number[] {
  const out: number[] = [];
  for (let left = skip; left > 0; left -= max) out.push(Math.min(left, max));
  return out;
}
