import { randomUUID } from "node:crypto";
import type { NextRequest } from "next/server";
import { AppError } from "@/lib/server/app-error";
import { requestLocale } from "@/lib/server/request-locale";
import { problem } from "@/lib/server/with-route";

// Any /api/v1 path without a route answers like the rest of the API: problem+json, not an HTML page.
function notFound(request: NextRequest) {
  return problem(new AppError("NOT_FOUND", "No such API endpoint"), randomUUID(), requestLocale(request));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
