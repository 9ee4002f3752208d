import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getLocale } from "next-intl/server";
import { Suspense } from "react";
import { RollTable } from "@/components/officer/roll-table";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { can } from "@/lib/auth/permissions";
import { ZPensionerQuery } from "@/lib/domain/pensioner";
import { makeQueryClient } from "@/lib/query-client";
import { rollQueryKey } from "@/lib/query-keys";
import { listPensioners } from "@/lib/server/pensioners/list-pensioners";
import { allRegions } from "@/lib/server/regions/region-names";
import { inScope } from "@/lib/server/regions/scope";

type TSearch = Promise<Record<string, string | string[] | undefined>>;

export default async function RollPage({ searchParams }: { searchParams: TSearch }) {
  const user = await requirePagePermission("pensioners.read");
  const locale = await getLocale();
  const regions = (await allRegions()).filter((r) => r.level !== "province" && inScope(r.code, user.regions));
  // The first page is read here and handed to the client cache, so the roll renders with data.
  const sp = await searchParams;
  const one = (k: string) => (typeof sp[k] === "string" ? (sp[k] as string) : "");
  const q = ZPensionerQuery.safeParse({ q: one("q") || undefined, region: one("region") || undefined, status: one("status") || undefined, page: one("page") || undefined });
  const client = makeQueryClient();
  if (q.success) {
    await client.prefetchQuery({
      queryKey: rollQueryKey(one("q"), one("region"), one("status"), q.data.page),
      queryFn: () => listPensioners(actorOf(user), q.data, locale),
    });
  }
  return (
    <HydrationBoundary state={dehydrate(client)}>
      <Suspense>
        <RollTable regions={regions} canWrite={can(user.role, "pensioners.write")} locale={locale} />
      </Suspense>
    </HydrationBoundary>
  );
}
