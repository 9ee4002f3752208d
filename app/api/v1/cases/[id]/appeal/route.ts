import { ZAppealBody } from "@/lib/domain/case-contract";
import { appealCase } from "@/lib/server/cases/appeal-case";
import { requestLocale } from "@/lib/server/request-locale";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "cases.work",
  schemas: { params: ZIdParams, body: ZAppealBody },
  handler: ({ actor, params, body, request }) => appealCase(actor, params.id, body, requestLocale(request)),
});
