import { z } from "zod";
import { ZIdParams } from "@/lib/server/schemas";
import { setUserDisabled } from "@/lib/server/users/set-user-disabled";
import { withRoute } from "@/lib/server/with-route";

export const PATCH = withRoute({
  permission: "users.manage",
  schemas: { params: ZIdParams, body: z.object({ disabled: z.boolean() }) },
  handler: async ({ actor, params, body }) => {
    await setUserDisabled(actor, params.id, body.disabled);
    return { ok: true };
  },
});
