import { startTotpEnrolment } from "@/lib/server/users/start-totp-enrolment";
import { selfOf, withRoute } from "@/lib/server/with-route";

/** A fresh authenticator secret, pending until confirmed: its QR code (SVG), URI and text. */
export const POST = withRoute({
  permission: "account.self",
  setup: true,
  handler: (ctx) => startTotpEnrolment(selfOf(ctx)),
});
