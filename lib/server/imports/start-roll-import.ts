import "server-only";
import { prisma } from "../../db/client";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { MAX_IMPORT_BYTES } from "./import-roll";

/** Opens an import so the browser can follow its progress while the file uploads. */
export async function startRollImport(actor: TActor, input: { fileName: string; size: number }): Promise<{ id: string }> {
  if (input.size > MAX_IMPORT_BYTES) {
    throw new AppError("PAYLOAD_TOO_LARGE", `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it by region`, {
      fieldErrors: [{ path: "body.size", message: vmsg("tooBig", { max: MAX_IMPORT_BYTES }) }],
    });
  }
  const row = await prisma().rollImport.create({
    data: { userId: actor.userId!, fileName: input.fileName, bytesTotal: BigInt(input.size) },
    select: { id: true },
  });
  return row;
}
