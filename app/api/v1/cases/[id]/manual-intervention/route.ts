import { ZManualInterventionBody } from "@/lib/domain/case-contract";
import { recordManualIntervention } from "@/lib/server/cases/record-manual-intervention";
import { requestLocale } from "@/lib/server/request-locale";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "cases.work",
  schemas: { params: ZIdParams, body: ZManualInterventionBody },
  status: 201,
  handler: ({ actor, params, body, request }) => recordManualIntervention(actor, params.id, body, requestLocale(request)),
});
