import { ZPensionerInput, ZPensionerQuery } from "@/lib/domain/pensioner";
import { createPensioner } from "@/lib/server/pensioners/create-pensioner";
import { listPensioners } from "@/lib/server/pensioners/list-pensioners";
import { requestLocale } from "@/lib/server/request-locale";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "pensioners.read",
  schemas: { query: ZPensionerQuery },
  handler: ({ actor, query, request }) => listPensioners(actor, query, requestLocale(request)),
});

export const POST = withRoute({
  permission: "pensioners.write",
  schemas: { body: ZPensionerInput },
  status: 201,
  handler: ({ actor, body, request }) => createPensioner(actor, body, requestLocale(request)),
});
