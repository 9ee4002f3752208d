import { MAX_FRAME_BYTES, ZKioskSubmit } from "@/lib/domain/kiosk-contract";
import { bdmiClient } from "@/lib/server/bdmi/bdmi-client";
import { submitKioskCheck } from "@/lib/server/kiosk/submit-kiosk-check";
import { ZIdParams } from "@/lib/server/schemas";
import { withKioskRoute } from "@/lib/server/with-kiosk-route";

export const POST = withKioskRoute({
  schemas: { params: ZIdParams, body: ZKioskSubmit },
  // Three frames as base64, the embedding and the transcript, with room to spare.
  maxBodyBytes: 3 * Math.ceil((MAX_FRAME_BYTES * 4) / 3) + 128 * 1024,
  handler: ({ actor, device, params, body }) => submitKioskCheck(actor, device!, params.id, body, bdmiClient()),
});
