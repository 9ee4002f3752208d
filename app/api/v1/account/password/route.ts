import { z } from "zod";
import { changeOwnPassword } from "@/lib/server/users/change-own-password";
import { ZNewPassword } from "@/lib/server/users/user-schemas";
import { selfOf, withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "account.self",
  setup: true,
  schemas: { body: z.object({ currentPassword: z.string().max(1024), newPassword: ZNewPassword }) },
  handler: async (ctx) => {
    await changeOwnPassword(selfOf(ctx), ctx.body);
    return { ok: true };
  },
});
