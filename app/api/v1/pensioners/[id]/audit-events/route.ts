import { listPensionerAuditEvents } from "@/lib/server/audit/list-audit-events";
import { ZIdParams, ZPage } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "audit.read",
  schemas: { params: ZIdParams, query: ZPage },
  handler: ({ actor, params, query }) => listPensionerAuditEvents(actor, params.id, query.page, query.pageSize),
});
