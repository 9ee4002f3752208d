import { z } from "zod";
import { confirmTotpEnrolment } from "@/lib/server/users/confirm-totp-enrolment";
import { selfOf, withRoute } from "@/lib/server/with-route";

/** Confirms the pending authenticator with its first code; answers the ten recovery codes, once. */
export const POST = withRoute({
  permission: "account.self",
  setup: true,
  schemas: { body: z.object({ code: z.string().max(16) }) },
  handler: (ctx) => confirmTotpEnrolment(selfOf(ctx), ctx.body.code),
});
