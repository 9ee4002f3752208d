import "server-only";
import { allRegions } from "../regions/region-names";
import { inScope } from "../regions/scope";

export type TTokenRegionOption = { code: string; level: "province" | "city" | "county"; label: string };

/** Every region (province, city, county) inside the admin's scope, in code order, for a token's regions. */
export async function tokenRegionOptions(scopes: string[], locale: string): Promise<TTokenRegionOption[]> {
  const all = await allRegions();
  return all
    .filter((r) => inScope(r.code, scopes))
    .map((r) => ({ code: r.code, level: r.level, label: locale === "en" ? r.nameEn : r.name }));
}
