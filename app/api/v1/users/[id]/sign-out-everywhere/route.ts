import { ZIdParams } from "@/lib/server/schemas";
import { signOutUserEverywhere } from "@/lib/server/users/sign-out-user-everywhere";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "users.manage",
  schemas: { params: ZIdParams },
  handler: ({ actor, params }) => signOutUserEverywhere(actor, params.id),
});
