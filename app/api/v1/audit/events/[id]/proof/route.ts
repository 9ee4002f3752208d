import { z } from "zod";
import { getEventProof } from "@/lib/server/audit/get-event-proof";
import { vmsg } from "@/lib/i18n/validation";
import { withRoute } from "@/lib/server/with-route";

const ZTreeSize = z.coerce.number({ message: vmsg("invalid") }).int({ message: vmsg("invalid") }).min(1, { message: vmsg("invalid") }).max(Number.MAX_SAFE_INTEGER);

export const GET = withRoute({
  permission: "audit.verify",
  schemas: {
    params: z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/, { message: vmsg("invalid") }) }),
    query: z.object({ treeSize: ZTreeSize.optional() }),
  },
  handler: ({ actor, params, query }) => getEventProof(actor, params.id, query.treeSize),
});
