import { ZCaseListQuery } from "@/lib/domain/case-contract";
import { listCases } from "@/lib/server/cases/list-cases";
import { requestLocale } from "@/lib/server/request-locale";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "cases.read",
  schemas: { query: ZCaseListQuery },
  handler: ({ actor, query, request }) => listCases(actor, query, requestLocale(request)),
});
