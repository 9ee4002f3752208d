"use client";
import { QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { z } from "zod";
import { makeQueryClient } from "@/lib/query-client";

// In the browser, zod must not probe for eval (`Function("")`, to compile fast object parsers):
// the pages' Content-Security-Policy (proxy.ts) forbids eval, so the probe only fails and reports a
// CSP violation on every page that parses. The server keeps zod's compiled parsers.
if (typeof window !== "undefined") z.config({ jitless: true });

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
