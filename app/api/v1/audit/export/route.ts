import { ZAuditTrailFilter } from "@/lib/server/audit/audit-trail-filter";
import { exportAuditTrail } from "@/lib/server/audit/export-audit-trail";
import { withRoute } from "@/lib/server/with-route";

// A download of any size, streamed: the filtered events with their inclusion proofs and the checkpoint they verify against.
export const GET = withRoute({
  permission: "audit.verify",
  schemas: { query: ZAuditTrailFilter },
  handler: async ({ actor, query, requestId }) => {
    const stream = await exportAuditTrail(actor, query);
    const name = `audit-export-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, "")}.json`;
    return new Response(stream, {
      headers: { "content-type": "application/json; charset=utf-8", "content-disposition": `attachment; filename="${name}"`, "x-request-id": requestId },
    });
  },
});
