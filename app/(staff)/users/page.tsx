import { getLocale, getTranslations } from "next-intl/server";
import { UsersPanel } from "@/components/admin/users-panel";
import { requirePagePermission } from "@/lib/auth/current-user";
import { scopeRegionOptions } from "@/lib/server/regions/county-options";

export default async function UsersPage() {
  const user = await requirePagePermission("users.manage");
  const t = await getTranslations("users");
  const regions = await scopeRegionOptions(user.regions, await getLocale());
  return (
    <section>
      <h1 className="mb-4 text-2xl font-bold">{t("title")}</h1>
      <UsersPanel selfId={user.userId} regions={regions} />
    </section>
  );
}
