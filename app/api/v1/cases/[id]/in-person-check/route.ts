import { ZInPersonCheckBody } from "@/lib/domain/case-contract";
import { recordInPersonCheck } from "@/lib/server/cases/record-in-person-check";
import { requestLocale } from "@/lib/server/request-locale";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "cases.work",
  schemas: { params: ZIdParams, body: ZInPersonCheckBody },
  status: 201,
  handler: ({ actor, params, body, request }) => recordInPersonCheck(actor, params.id, body, requestLocale(request)),
});
