import { requeueSettlement } from "@/lib/server/ledger/requeue-settlement";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "fees.manage",
  schemas: { params: ZIdParams },
  handler: ({ actor, params }) => requeueSettlement(actor, params.id),
});
