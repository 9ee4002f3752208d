import { ZKioskStart } from "@/lib/domain/kiosk-contract";
import { startKioskCheck } from "@/lib/server/kiosk/start-kiosk-check";
import { ZIdParams } from "@/lib/server/schemas";
import { withKioskRoute } from "@/lib/server/with-kiosk-route";

export const POST = withKioskRoute({
  schemas: { params: ZIdParams, body: ZKioskStart },
  maxBodyBytes: 4096,
  handler: ({ actor, device, params, body }) => startKioskCheck(actor, device!, params.id, body),
});
