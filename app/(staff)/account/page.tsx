import { getTranslations } from "next-intl/server";
import { AccountPanel } from "@/components/account/account-panel";
import { requirePagePermission } from "@/lib/auth/current-user";

export default async function AccountPage() {
  const user = await requirePagePermission("account.self");
  const t = await getTranslations("account");
  return (
    <section>
      <h1 className="mb-4 text-2xl font-bold">{t("title")}</h1>
      <AccountPanel hasSecondFactor={user.hasSecondFactor} />
    </section>
  );
}
