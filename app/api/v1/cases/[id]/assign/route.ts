import { ZAssignBody } from "@/lib/domain/case-contract";
import { assignCase } from "@/lib/server/cases/assign-case";
import { requestLocale } from "@/lib/server/request-locale";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "cases.work",
  schemas: { params: ZIdParams, body: ZAssignBody },
  handler: ({ actor, params, body, request }) => assignCase(actor, params.id, body, requestLocale(request)),
});
