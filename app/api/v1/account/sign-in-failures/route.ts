import { listOwnSignInFailures } from "@/lib/server/users/list-own-sign-in-failures";
import { selfOf, withRoute } from "@/lib/server/with-route";

export const GET = withRoute({ permission: "account.self", handler: (ctx) => listOwnSignInFailures(selfOf(ctx)) });
