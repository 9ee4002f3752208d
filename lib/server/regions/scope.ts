// GB/T 2260 codes are hierarchical by prefix (52 → 5201 → 520102), so a scope of region codes
// covers every region whose code starts with one of them. This keeps scoping a plain
// `LIKE ANY` on the region_code that every large table carries.

export function inScope(regionCode: string, scopes: readonly string[]): boolean {
  return scopes.some((s) => regionCode.startsWith(s));
}

/** A region inside the scope, or one of its ancestors (a city of a county-scoped officer): what menus and tallies show. */
export function overlapsScope(regionCode: string, scopes: readonly string[]): boolean {
  return scopes.some((s) => regionCode.startsWith(s) || s.startsWith(regionCode));
}

/** SQL patterns for `region_code LIKE ANY($n)`. */
export function scopePatterns(scopes: readonly string[]): string[] {
  return scopes.map((s) => `${s.replace(/[%_\\]/g, "")}%`);
}

/** Prisma filter on a regionCode column. */
export function scopeWhere(scopes: readonly string[]) {
  return { OR: scopes.map((s) => ({ regionCode: { startsWith: s } })) };
}

/** Narrows a requested region filter to the caller's scope; null when it lies outside. */
export function narrowScope(requested: string | undefined, scopes: readonly string[]): string[] | null {
  if (!requested) return [...scopes];
  if (inScope(requested, scopes)) return [requested];
  const inner = scopes.filter((s) => s.startsWith(requested));
  return inner.length ? inner : null;
}
