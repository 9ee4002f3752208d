import { ZKioskIdentify } from "@/lib/domain/kiosk-contract";
import { identifyKioskPensioner } from "@/lib/server/kiosk/identify-kiosk-pensioner";
import { withKioskRoute } from "@/lib/server/with-kiosk-route";

export const POST = withKioskRoute({
  schemas: { body: ZKioskIdentify },
  maxBodyBytes: 8192,
  handler: ({ actor, device, body }) => identifyKioskPensioner(actor, device!, body),
});
