import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getLocale } from "next-intl/server";
import { Suspense } from "react";
import { caseFilters, caseListSearch, casesKeys } from "@/components/cases/case-keys";
import { CaseQueue } from "@/components/cases/case-queue";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { can } from "@/lib/auth/permissions";
import { ZCaseListQuery } from "@/lib/domain/case-contract";
import { makeQueryClient } from "@/lib/query-client";
import { listCases } from "@/lib/server/cases/list-cases";
import { runRegionOptions } from "@/lib/server/regions/county-options";

type TSearch = Promise<Record<string, string | string[] | undefined>>;

/** The case queue of the caller's regions (filters, sort and page in the URL, so it can be shared and the back button works). */
export default async function CasesPage({ searchParams }: { searchParams: TSearch }) {
  const user = await requirePagePermission("cases.read");
  const locale = await getLocale();
  const sp = await searchParams;
  const search = caseListSearch(caseFilters((k) => (typeof sp[k] === "string" ? (sp[k] as string) : undefined)));
  // The page asked for is read here and handed to the client cache, so the queue renders with data;
  // a URL the API would refuse is left to the client, which shows the API's error.
  const q = ZCaseListQuery.safeParse(Object.fromEntries(search));
  const client = makeQueryClient();
  if (q.success) await client.prefetchQuery({ queryKey: casesKeys.list(search.toString()), queryFn: () => listCases(actorOf(user), q.data, locale) });
  return (
    <HydrationBoundary state={dehydrate(client)}>
      <Suspense>
        <CaseQueue regionOptions={await runRegionOptions(user.regions, locale)} userId={user.userId} canApprove={can(user.role, "cases.approve")} />
      </Suspense>
    </HydrationBoundary>
  );
}
