import { z } from "zod";
import { vmsg } from "@/lib/i18n/validation";
import { revealNationalId } from "@/lib/server/pensioners/reveal-national-id";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "pensioners.revealId",
  schemas: { params: ZIdParams, body: z.object({ reason: z.string({ message: vmsg("reasonRequired") }).trim().min(2, vmsg("reasonRequired")).max(200, vmsg("tooLong", { max: 200 })) }) },
  handler: ({ actor, params, body }) => revealNationalId(actor, params.id, body.reason),
});
