/**
 * A timestamp read back from PostgreSQL JSON (json_agg writes them as 2026-12-04T20:50:31.123+00:00)
 * as the ISO string the API gives everywhere else.
 */
export const isoFromJson = (s: string | null): string | null => (s === null ? null : new Date(s).toISOString());
