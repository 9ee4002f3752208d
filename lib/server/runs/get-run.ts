import "server-only";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { isUuid } from "../schemas";
import { overlapsScope } from "../regions/scope";
import { runView, runViewSelect, type TRunView } from "./run-view";

/** One run with its live progress; 404 alike for unknown runs and runs outside the caller's regions. */
export async function getRun(actor: TActor, id: string): Promise<TRunView> {
  if (!isUuid(id)) throw AppError.notFound("Run");
  const row = await prisma().monthlyRun.findUnique({ where: { id }, select: runViewSelect });
  if (!row || !row.regionCodes.some((c) => overlapsScope(c, actor.regions))) throw AppError.notFound("Run");
  return runView(row);
}
