import { z } from "zod";
import { getConsistencyProof } from "@/lib/server/audit/get-consistency-proof";
import { vmsg } from "@/lib/i18n/validation";
import { withRoute } from "@/lib/server/with-route";

const ZSize = z.coerce.number({ message: vmsg("invalid") }).int({ message: vmsg("invalid") }).min(1, { message: vmsg("invalid") }).max(Number.MAX_SAFE_INTEGER);

export const GET = withRoute({
  permission: "audit.verify",
  schemas: { query: z.object({ from: ZSize, to: ZSize.optional() }) },
  handler: ({ query }) => getConsistencyProof(query.from, query.to),
});
