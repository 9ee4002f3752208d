import { QueryClient } from "@tanstack/react-query";

/** Query-client defaults in one place (create-t3-app). */
export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 15_000, retry: 1, refetchOnWindowFocus: false },
      mutations: { retry: 0 },
    },
  });
}

export type TProblem = { title: string; detail?: string; status: number; code: string; errors?: { path: string; message: string }[]; requestId?: string };

export class ApiError extends Error {
  constructor(readonly problem: TProblem) {
    super(problem.title);
  }
}

/**
 * fetch for /api/v1: JSON in, JSON out, problem+json turned into ApiError. A POST, PUT, PATCH or
 * DELETE without a body still says it is JSON (an empty object), as the route wrappers require
 * of every state-changing request (lib/server/request-guard.ts).
 */
export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json: given, ...rest } = init;
  const mutation = !["GET", "HEAD"].includes((rest.method ?? "GET").toUpperCase());
  const json = given === undefined && mutation && rest.body === undefined ? {} : given;
  const res = await fetch(path, {
    ...rest,
    headers: json !== undefined ? { "content-type": "application/json", ...rest.headers } : rest.headers,
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  if (!res.ok) {
    const body = await res.json().catch(() => ({ title: res.statusText, status: res.status, code: "INTERNAL" }));
    throw new ApiError(body as TProblem);
  }
  return (await res.json()) as T;
}
