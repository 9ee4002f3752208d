import { listImportRejections } from "@/lib/server/imports/get-roll-import";
import { requestLocale } from "@/lib/server/request-locale";
import { ZIdParams, ZPage } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "roll.import",
  schemas: { params: ZIdParams, query: ZPage },
  handler: ({ actor, params, query, request }) => listImportRejections(actor, params.id, query.page, query.pageSize, requestLocale(request)),
});
