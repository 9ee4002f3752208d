import { ZProposalBody } from "@/lib/domain/case-contract";
import { proposeCaseOutcome } from "@/lib/server/cases/propose-case-outcome";
import { requestLocale } from "@/lib/server/request-locale";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "cases.work",
  schemas: { params: ZIdParams, body: ZProposalBody },
  handler: ({ actor, params, body, request }) => proposeCaseOutcome(actor, params.id, body, requestLocale(request)),
});
