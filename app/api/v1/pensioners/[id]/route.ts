import { ZPensionerUpdate } from "@/lib/domain/pensioner";
import { getPensioner } from "@/lib/server/pensioners/get-pensioner";
import { updatePensioner } from "@/lib/server/pensioners/update-pensioner";
import { requestLocale } from "@/lib/server/request-locale";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "pensioners.read",
  schemas: { params: ZIdParams },
  handler: ({ actor, params, request }) => getPensioner(actor, params.id, requestLocale(request)),
});

export const PATCH = withRoute({
  permission: "pensioners.write",
  schemas: { params: ZIdParams, body: ZPensionerUpdate },
  handler: ({ actor, params, body, request }) => updatePensioner(actor, params.id, body, requestLocale(request)),
});
