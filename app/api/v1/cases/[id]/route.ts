import { getCase } from "@/lib/server/cases/get-case";
import { requestLocale } from "@/lib/server/request-locale";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "cases.read",
  schemas: { params: ZIdParams },
  handler: ({ actor, params, request }) => getCase(actor, params.id, requestLocale(request)),
});
