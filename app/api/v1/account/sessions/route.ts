import { listOwnSessions, revokeOwnSessions } from "@/lib/server/users/account-sessions";
import { selfOf, withRoute } from "@/lib/server/with-route";

export const GET = withRoute({ permission: "account.self", handler: async (ctx) => ({ sessions: await listOwnSessions(selfOf(ctx)) }) });

/** Signs out every other session of the caller. */
export const DELETE = withRoute({ permission: "account.self", handler: (ctx) => revokeOwnSessions(selfOf(ctx)) });
