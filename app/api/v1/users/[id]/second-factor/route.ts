import { ZIdParams } from "@/lib/server/schemas";
import { resetUserSecondFactor } from "@/lib/server/users/reset-user-second-factor";
import { withRoute } from "@/lib/server/with-route";

/** Removes the account's authenticator and recovery codes (a lost phone): it enrols anew. */
export const DELETE = withRoute({
  permission: "users.manage",
  schemas: { params: ZIdParams },
  handler: async ({ actor, params }) => {
    await resetUserSecondFactor(actor, params.id);
    return { ok: true };
  },
});
