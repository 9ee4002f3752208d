import { getFeesOverview, ZFeesQuery } from "@/lib/server/ledger/get-fees-overview";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "fees.read",
  schemas: { query: ZFeesQuery },
  handler: ({ actor, query }) => getFeesOverview(actor, query),
});
