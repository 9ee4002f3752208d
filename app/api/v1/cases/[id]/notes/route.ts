import { ZNoteBody } from "@/lib/domain/case-contract";
import { addCaseNote } from "@/lib/server/cases/add-case-note";
import { requestLocale } from "@/lib/server/request-locale";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "cases.work",
  schemas: { params: ZIdParams, body: ZNoteBody },
  status: 201,
  handler: ({ actor, params, body, request }) => addCaseNote(actor, params.id, body, requestLocale(request)),
});
