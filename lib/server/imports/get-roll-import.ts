import "server-only";
import { prisma } from "../../db/client";
import type { TLocale } from "../../i18n/locales";
import { localizeMessage } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";

export type TImportView = {
  id: string;
  fileName: string;
  status: "running" | "completed" | "failed";
  bytesTotal: number | null;
  bytesRead: number;
  rowsRead: number;
  rowsInserted: number;
  rowsUnchanged: number;
  rowsRejected: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
};

/** One of the caller's own imports with its progress. */
export async function getRollImport(actor: TActor, id: string, locale: TLocale): Promise<TImportView> {
  const r = await prisma().rollImport.findFirst({ where: { id, userId: actor.userId! } });
  if (!r) throw AppError.notFound("Import");
  return {
    id: r.id,
    fileName: r.fileName,
    status: r.status,
    bytesTotal: r.bytesTotal === null ? null : Number(r.bytesTotal),
    bytesRead: Number(r.bytesRead),
    rowsRead: r.rowsRead,
    rowsInserted: r.rowsInserted,
    rowsUnchanged: r.rowsUnchanged,
    rowsRejected: r.rowsRejected,
    error: r.error === null ? null : localizeMessage(r.error, locale).message,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

/** Rejected rows of one of the caller's imports, in line order, with reasons in the reader's language. */
export async function listImportRejections(actor: TActor, id: string, page: number, pageSize: number, locale: TLocale) {
  const db = prisma();
  const owned = await db.rollImport.findFirst({ where: { id, userId: actor.userId! }, select: { id: true } });
  if (!owned) throw AppError.notFound("Import");
  const [items, total] = await Promise.all([
    db.rollImportRejection.findMany({
      where: { importId: id },
      orderBy: [{ line: "asc" }, { field: "asc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: { line: true, field: true, reason: true },
    }),
    db.rollImportRejection.count({ where: { importId: id } }),
  ]);
  return { items: items.map((r) => ({ ...r, reason: localizeMessage(r.reason, locale).message })), total, page, pageSize };
}
