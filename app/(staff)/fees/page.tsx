import { getTranslations } from "next-intl/server";
import { FeesOverview } from "@/components/supervisor/fees-overview";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { can } from "@/lib/auth/permissions";
import { getFeesOverview } from "@/lib/server/ledger/get-fees-overview";

export default async function FeesPage() {
  const user = await requirePagePermission("fees.read");
  const t = await getTranslations("fees");
  const overview = await getFeesOverview(actorOf(user), {});
  return (
    <section className="space-y-4">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="text-slate-600">{t("subtitle")}</p>
      </div>
      <FeesOverview
        initial={overview}
        canManage={can(user.role, "fees.manage")}
        // Only a supervisor of the whole province may top up its bureau (topUpBureauAccount checks it too).
        topUpProvinces={user.regions.filter((r) => r.length === 2)}
      />
    </section>
  );
}
