import { getLocale } from "next-intl/server";
import { Suspense } from "react";
import { DashboardView, type TRegionOption } from "@/components/dashboard/dashboard-view";
import { requirePagePermission } from "@/lib/auth/current-user";
import { currentPeriod } from "@/lib/domain/period";
import { allRegions } from "@/lib/server/regions/region-names";
import { inScope } from "@/lib/server/regions/scope";

/**
 * The supervisors' dashboard. The page only guards and lists the regions to choose from; the
 * figures come from GET /api/v1/dashboard (the rollups) for the period and region in the URL.
 */
export default async function DashboardPage() {
  const user = await requirePagePermission("dashboard.read");
  const locale = await getLocale();
  const regions = (await allRegions()).filter((r) => inScope(r.code, user.regions));
  // Indented by level under their parents: allRegions is ordered by code, so a county follows its city.
  const indent = { province: "", city: "\u00a0\u00a0", county: "\u00a0\u00a0\u00a0\u00a0" } as const;
  const options: TRegionOption[] = regions.map((r) => ({ code: r.code, level: r.level, label: `${indent[r.level]}${locale === "en" ? r.nameEn : r.name}` }));
  return (
    <Suspense>
      <DashboardView currentPeriod={currentPeriod()} homeRegion={user.regions.length === 1 ? (user.regions[0] ?? null) : null} regionOptions={options} />
    </Suspense>
  );
}
