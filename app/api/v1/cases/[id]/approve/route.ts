import { ZDecisionBody } from "@/lib/domain/case-contract";
import { approveCaseProposal } from "@/lib/server/cases/approve-case-proposal";
import { requestLocale } from "@/lib/server/request-locale";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "cases.approve",
  schemas: { params: ZIdParams, body: ZDecisionBody },
  handler: ({ actor, params, body, request }) => approveCaseProposal(actor, params.id, body, requestLocale(request)),
});
