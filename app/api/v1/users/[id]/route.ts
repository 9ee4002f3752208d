import { ZIdParams } from "@/lib/server/schemas";
import { updateUser } from "@/lib/server/users/update-user";
import { ZUpdateUser } from "@/lib/server/users/user-schemas";
import { withRoute } from "@/lib/server/with-route";

/** Name, role, regions, disabled: any of them, within the admin's scope. */
export const PATCH = withRoute({
  permission: "users.manage",
  schemas: { params: ZIdParams, body: ZUpdateUser },
  handler: async ({ actor, params, body }) => {
    await updateUser(actor, params.id, body);
    return { ok: true };
  },
});
