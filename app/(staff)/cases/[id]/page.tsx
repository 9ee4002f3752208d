import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getLocale } from "next-intl/server";
import { notFound } from "next/navigation";
import { casesKeys } from "@/components/cases/case-keys";
import { CasePage } from "@/components/cases/case-page";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { can } from "@/lib/auth/permissions";
import { makeQueryClient } from "@/lib/query-client";
import { AppError } from "@/lib/server/app-error";
import { getCase } from "@/lib/server/cases/get-case";

/** One case of the caller's regions (another region's case is not found, as in the API). */
export default async function CaseDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePagePermission("cases.read");
  const { id } = await params;
  const locale = await getLocale();
  const detail = await getCase(actorOf(user), id, locale).catch((e) => {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const client = makeQueryClient();
  client.setQueryData(casesKeys.one(id), detail);
  return (
    <HydrationBoundary state={dehydrate(client)}>
      <CasePage caseId={id} userId={user.userId} canPrint={can(user.role, "notices.print")} />
    </HydrationBoundary>
  );
}
