import { z } from "zod";
import { revealNationalId } from "@/lib/server/pensioners/reveal-national-id";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "pensioners.revealId",
  schemas: { params: ZIdParams, body: z.object({ reason: z.string().trim().min(2, "is required").max(200) }) },
  handler: ({ actor, params, body }) => revealNationalId(actor, params.id, body.reason),
});
