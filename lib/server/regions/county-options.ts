import "server-only";
import { allRegions } from "./region-names";
import { inScope } from "./scope";

/** Counties the caller may place a pensioner in, labelled "city · county". */
export async function countyOptions(scopes: string[], locale: string) {
  const all = await allRegions();
  const byCode = new Map(all.map((r) => [r.code, r]));
  const name = (code: string | null) => {
    const r = code === null ? undefined : byCode.get(code);
    return r ? (locale === "en" ? r.nameEn : r.name) : "";
  };
  return all
    .filter((r) => r.level === "county" && inScope(r.code, scopes))
    .map((r) => ({ code: r.code, label: `${name(r.parentCode)} · ${locale === "en" ? r.nameEn : r.name}` }));
}

/** Cities and counties in the caller's scope, for choosing what a monthly run covers. */
export async function runRegionOptions(scopes: string[], locale: string) {
  const all = await allRegions();
  const label = (r: { name: string; nameEn: string }) => (locale === "en" ? r.nameEn : r.name);
  return all
    .filter((r) => r.level !== "province" && inScope(r.code, scopes))
    .map((r) => ({ code: r.code, label: r.level === "city" ? label(r) : `\u00a0\u00a0${label(r)}` }));
}

/** Every region in the caller's scope (province, cities, counties, indented by level): what an admin may grant. */
export async function scopeRegionOptions(scopes: string[], locale: string) {
  const all = await allRegions();
  const indent = { province: "", city: "\u00a0\u00a0", county: "\u00a0\u00a0\u00a0\u00a0" } as Record<string, string>;
  return all
    .filter((r) => inScope(r.code, scopes))
    .map((r) => ({ code: r.code, label: `${indent[r.level] ?? ""}${r.code} ${locale === "en" ? r.nameEn : r.name}` }));
}
