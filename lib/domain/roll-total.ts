// The roll's total is counted only up to a cap: past it the list says "10,000+" and pages on with
// "next" (bench/notes/load.md: an exact count of a province's million rows cost ~110 ms of
// database CPU on every page, the capped one ~3 ms).

/** Counted exactly up to here; beyond it the total is "more than ROLL_TOTAL_CAP". */
export const ROLL_TOTAL_CAP = 10_000;

/** The number of pages to show: the last page when the total is exact, a lower bound when it is capped. */
export function rollPages(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** A term for a LIKE pattern, matched literally: Prisma's startsWith/contains do not escape % and _ (prisma/prisma#19506). */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, "\\$&");
}
