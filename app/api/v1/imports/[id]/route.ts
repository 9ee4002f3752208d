import { getRollImport } from "@/lib/server/imports/get-roll-import";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "roll.import",
  schemas: { params: ZIdParams },
  handler: ({ actor, params }) => getRollImport(actor, params.id),
});
