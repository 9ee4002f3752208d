import { getLocale } from "next-intl/server";
import { ApiTokensPanel } from "@/components/admin/api-tokens-panel";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { listApiTokens } from "@/lib/server/api-tokens/list-api-tokens";
import { tokenRegionOptions } from "@/lib/server/api-tokens/token-region-options";

export default async function ApiTokensPage() {
  const user = await requirePagePermission("apiTokens.manage");
  const locale = await getLocale();
  const initial = await listApiTokens(actorOf(user), { page: 1, pageSize: 25 });
  return <ApiTokensPanel initial={initial} regionOptions={await tokenRegionOptions(user.regions, locale)} />;
}
