import { notFound } from "next/navigation";
import { RunDetail } from "@/components/runs/run-detail";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { AppError } from "@/lib/server/app-error";
import { getRun } from "@/lib/server/runs/get-run";

export default async function RunPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ joined?: string }> }) {
  const user = await requirePagePermission("runs.read");
  const { id } = await params;
  const run = await getRun(actorOf(user), id).catch((e) => {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  return <RunDetail initial={run} joined={(await searchParams).joined === "1"} />;
}
