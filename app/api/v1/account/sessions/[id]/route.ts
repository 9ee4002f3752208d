import { ZIdParams } from "@/lib/server/schemas";
import { revokeOwnSessions } from "@/lib/server/users/account-sessions";
import { selfOf, withRoute } from "@/lib/server/with-route";

export const DELETE = withRoute({
  permission: "account.self",
  schemas: { params: ZIdParams },
  handler: (ctx) => revokeOwnSessions(selfOf(ctx), ctx.params.id),
});
