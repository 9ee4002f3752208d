// Shared by the server pages (prefetch) and the client components (queries), so a prefetched page
// is found in the client's cache: no "use client" here.

export const CASE_PAGE_SIZE = 50;
export const CASE_FILTER_DEFAULTS = { status: "active", reason: "", region: "", assigned: "any", proposer: "any", sort: "age", page: "1" } as const;
export type TCaseFilterKey = keyof typeof CASE_FILTER_DEFAULTS;
export type TCaseFilters = Record<TCaseFilterKey, string>;

/** Query keys of the cases pages: the list by its API search, one case by id. */
export const casesKeys = {
  all: ["cases"] as const,
  list: (search: string) => ["cases", "list", search] as const,
  one: (id: string) => ["cases", "one", id] as const,
};

/** The page's URL parameters with their defaults filled in. */
export function caseFilters(get: (k: string) => string | null | undefined): TCaseFilters {
  return Object.fromEntries((Object.keys(CASE_FILTER_DEFAULTS) as TCaseFilterKey[]).map((k) => [k, get(k) || CASE_FILTER_DEFAULTS[k]])) as TCaseFilters;
}

/** The API's search for these filters (GET /api/v1/cases?…). */
export function caseListSearch(f: TCaseFilters): URLSearchParams {
  const page = Math.max(1, Number(f.page) || 1);
  const s = new URLSearchParams({ status: f.status, assigned: f.assigned, proposer: f.proposer, sort: f.sort, page: String(page), pageSize: String(CASE_PAGE_SIZE) });
  if (f.reason) s.set("reason", f.reason);
  if (f.region) s.set("region", f.region);
  return s;
}
