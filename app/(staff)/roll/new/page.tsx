import { getLocale, getTranslations } from "next-intl/server";
import { NewPensioner } from "@/components/officer/new-pensioner";
import { requirePagePermission } from "@/lib/auth/current-user";
import { countyOptions } from "@/lib/server/regions/county-options";

export default async function NewPensionerPage() {
  const user = await requirePagePermission("pensioners.write");
  const t = await getTranslations("pensioner");
  const counties = await countyOptions(user.regions, await getLocale());
  return (
    <section className="rounded bg-white p-5 shadow-sm">
      <h1 className="mb-4 text-2xl font-bold">{t("create")}</h1>
      <NewPensioner counties={counties} />
    </section>
  );
}
