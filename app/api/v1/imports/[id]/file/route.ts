import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { vmsg } from "@/lib/i18n/validation";
import { AppError } from "@/lib/server/app-error";
import { importRoll } from "@/lib/server/imports/import-roll";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

// The body is streamed straight into the import: a roll file is never held in memory whole.
export const PUT = withRoute({
  permission: "roll.import",
  schemas: { params: ZIdParams },
  rawBody: true,
  handler: async ({ actor, params, request }) => {
    const type = request.headers.get("content-type") ?? "";
    if (!/^(text\/csv|application\/octet-stream|application\/vnd\.ms-excel)/.test(type)) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Upload the roll as a CSV file", { fieldErrors: [{ path: "file", message: vmsg("invalid") }] });
    }
    if (!request.body) throw AppError.validation([{ path: "file", message: vmsg("fileEmpty") }]);
    return importRoll(actor, params.id, Readable.fromWeb(request.body as unknown as NodeWebStream<Uint8Array>));
  },
});
