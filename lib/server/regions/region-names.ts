import "server-only";
import { prisma } from "../../db/client";

type TRegion = { code: string; level: "province" | "city" | "county"; parentCode: string | null; name: string; nameEn: string };

let cache: Promise<TRegion[]> | null = null;

/** Regions change only by migration or seed, so they are read once per process. */
export function allRegions(): Promise<TRegion[]> {
  cache ??= prisma()
    .region.findMany({ select: { code: true, level: true, parentCode: true, name: true, nameEn: true }, orderBy: { code: "asc" } })
    .catch((e) => {
      cache = null;
      throw e;
    });
  return cache;
}

export async function regionNames(locale: string): Promise<Map<string, string>> {
  const rows = await allRegions();
  return new Map(rows.map((r) => [r.code, locale === "en" ? r.nameEn : r.name]));
}

export async function countyCodes(): Promise<Set<string>> {
  return new Set((await allRegions()).filter((r) => r.level === "county").map((r) => r.code));
}
