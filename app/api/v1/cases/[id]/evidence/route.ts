import { ZEvidenceBody } from "@/lib/domain/case-contract";
import { addCaseEvidence } from "@/lib/server/cases/add-case-evidence";
import { requestLocale } from "@/lib/server/request-locale";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "cases.work",
  schemas: { params: ZIdParams, body: ZEvidenceBody },
  status: 201,
  handler: ({ actor, params, body, request }) => addCaseEvidence(actor, params.id, body, requestLocale(request)),
});
