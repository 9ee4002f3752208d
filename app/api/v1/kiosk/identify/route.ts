import { env } from "@/lib/env.js";
import { ZKioskIdentify } from "@/lib/domain/kiosk-contract";
import { identifyKioskPensioner } from "@/lib/server/kiosk/identify-kiosk-pensioner";
import { withKioskRoute } from "@/lib/server/with-kiosk-route";

export const POST = withKioskRoute({
  schemas: { body: ZKioskIdentify },
  maxBodyBytes: 8192,
  // A kiosk serves one person a minute or so; guessing ID numbers from it (or many from one place) is held back.
  rateLimit: { name: "kiosk.identify", perDevice: { points: env.KIOSK_IDENTIFY_PER_DEVICE, seconds: 300 }, perIp: { points: env.KIOSK_IDENTIFY_PER_IP, seconds: 300 } },
  handler: ({ actor, device, body }) => identifyKioskPensioner(actor, device!, body),
});
