import { z } from "zod";
import { revokeKioskDevice } from "@/lib/server/kiosk/revoke-kiosk-device";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const PATCH = withRoute({
  permission: "devices.manage",
  schemas: { params: ZIdParams, body: z.object({ revoked: z.literal(true) }) },
  handler: ({ actor, params }) => revokeKioskDevice(actor, params.id),
});
