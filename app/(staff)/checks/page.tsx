import { getLocale } from "next-intl/server";
import { ChecksPanel } from "@/components/officer/checks-panel";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { parseCheckReference } from "@/lib/domain/check-reference";
import { listKioskChecks } from "@/lib/server/checks/list-kiosk-checks";
import { runRegionOptions } from "@/lib/server/regions/county-options";

/** `?ref=K-…` opens the page on that check (the pensioner page links its checks here). */
export default async function ChecksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission("checks.read");
  const locale = await getLocale();
  const raw = (await searchParams).ref;
  const ref = typeof raw === "string" && parseCheckReference(raw) ? raw.trim() : "";
  const initial = await listKioskChecks(actorOf(user), { status: "open", page: 1, pageSize: 50, ...(ref ? { ref } : {}) });
  return <ChecksPanel initial={initial} initialRef={ref} regionOptions={await runRegionOptions(user.regions, locale)} />;
}
