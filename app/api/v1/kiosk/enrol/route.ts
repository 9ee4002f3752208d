import { NextResponse } from "next/server";
import { env } from "@/lib/env.js";
import { ZKioskEnrol } from "@/lib/domain/kiosk-contract";
import { KIOSK_TOKEN_COOKIE } from "@/lib/server/kiosk/authenticate-device";
import { exchangeEnrolmentCode } from "@/lib/server/kiosk/exchange-enrolment-code";
import { withKioskRoute } from "@/lib/server/with-kiosk-route";

/** A device's token lives as long as the device (until revoked); the cookie is renewed at each enrolment. */
const COOKIE_MAX_AGE = 5 * 365 * 24 * 3600;

export const POST = withKioskRoute({
  device: "none",
  schemas: { body: ZKioskEnrol },
  maxBodyBytes: 4096,
  rateLimit: { name: "kiosk.enrol", perIp: { points: env.KIOSK_ENROL_PER_IP, seconds: 300 } },
  handler: async ({ request, actor, body, requestId }) => {
    const { device, token } = await exchangeEnrolmentCode(actor, body.code);
    const res = NextResponse.json(device, { headers: { "x-request-id": requestId, "cache-control": "no-store" } });
    res.cookies.set(KIOSK_TOKEN_COOKIE, token, {
      httpOnly: true,
      sameSite: "strict",
      // Secure wherever the kiosk reaches the app over HTTPS (a service hall's deployment); the demo is plain http on localhost.
      secure: request.nextUrl.protocol === "https:",
      path: "/",
      maxAge: COOKIE_MAX_AGE,
    });
    return res;
  },
});
