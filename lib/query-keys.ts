/** Query keys shared by server prefetches and client queries, so a prefetched page is reused. */
export const rollQueryKey = (q: string, region: string, status: string, page: number) => ["pensioners", q, region, status, page] as const;
