import { getLocale } from "next-intl/server";
import { ChecksPanel } from "@/components/officer/checks-panel";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { listKioskChecks } from "@/lib/server/checks/list-kiosk-checks";
import { runRegionOptions } from "@/lib/server/regions/county-options";

export default async function ChecksPage() {
  const user = await requirePagePermission("checks.read");
  const locale = await getLocale();
  const initial = await listKioskChecks(actorOf(user), { status: "open", page: 1, pageSize: 50 });
  return <ChecksPanel initial={initial} regionOptions={await runRegionOptions(user.regions, locale)} />;
}
