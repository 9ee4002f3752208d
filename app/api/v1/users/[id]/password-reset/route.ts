import { ZIdParams } from "@/lib/server/schemas";
import { resetUserPassword } from "@/lib/server/users/reset-user-password";
import { withRoute } from "@/lib/server/with-route";

/** A new one-time password for the account (shown this once); its sessions end. */
export const POST = withRoute({
  permission: "users.manage",
  schemas: { params: ZIdParams },
  handler: ({ actor, params }) => resetUserPassword(actor, params.id),
});
