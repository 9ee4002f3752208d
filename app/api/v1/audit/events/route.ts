import { ZAuditTrailFilter } from "@/lib/server/audit/audit-trail-filter";
import { listAuditTrail } from "@/lib/server/audit/list-audit-trail";
import { ZPage } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "audit.verify",
  schemas: { query: ZAuditTrailFilter.extend(ZPage.shape) },
  handler: ({ actor, query }) => listAuditTrail(actor, query),
});
