import { topUpBureauAccount, ZTopUp } from "@/lib/server/ledger/top-up-bureau-account";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "fees.manage",
  schemas: { body: ZTopUp },
  handler: async ({ actor, body }) => {
    const r = await topUpBureauAccount(actor, body);
    return Response.json(r, { status: r.replayed ? 200 : 201 });
  },
});
