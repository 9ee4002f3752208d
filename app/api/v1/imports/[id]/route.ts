import { getRollImport } from "@/lib/server/imports/get-roll-import";
import { requestLocale } from "@/lib/server/request-locale";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "roll.import",
  schemas: { params: ZIdParams },
  handler: ({ actor, params, request }) => getRollImport(actor, params.id, requestLocale(request)),
});
