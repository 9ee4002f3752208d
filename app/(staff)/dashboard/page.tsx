import { getTranslations } from "next-intl/server";
import { RegionCounts } from "@/components/supervisor/region-counts";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { countPensionersByRegion } from "@/lib/server/dashboard/count-pensioners";

export default async function DashboardPage() {
  const user = await requirePagePermission("dashboard.read");
  const t = await getTranslations("dashboard");
  const counts = await countPensionersByRegion(actorOf(user));
  return (
    <section className="space-y-4">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="text-slate-600">{t("subtitle")}</p>
      </div>
      <RegionCounts initial={counts} />
      <p className="text-sm text-slate-600">{t("placeholder")}</p>
    </section>
  );
}
