import { ZVersionBody } from "@/lib/domain/case-contract";
import { withdrawCaseProposal } from "@/lib/server/cases/withdraw-case-proposal";
import { requestLocale } from "@/lib/server/request-locale";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "cases.work",
  schemas: { params: ZIdParams, body: ZVersionBody },
  handler: ({ actor, params, body, request }) => withdrawCaseProposal(actor, params.id, body, requestLocale(request)),
});
