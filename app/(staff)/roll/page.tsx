import { getLocale } from "next-intl/server";
import { Suspense } from "react";
import { RollTable } from "@/components/officer/roll-table";
import { requirePagePermission } from "@/lib/auth/current-user";
import { can } from "@/lib/auth/permissions";
import { allRegions } from "@/lib/server/regions/region-names";
import { inScope } from "@/lib/server/regions/scope";

export default async function RollPage() {
  const user = await requirePagePermission("pensioners.read");
  const locale = await getLocale();
  const regions = (await allRegions()).filter((r) => r.level !== "province" && inScope(r.code, user.regions));
  return (
    <Suspense>
      <RollTable regions={regions} canWrite={can(user.role, "pensioners.write")} locale={locale} />
    </Suspense>
  );
}
