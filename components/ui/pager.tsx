"use client";
import type { Dispatch, SetStateAction } from "react";

/** Previous, "page x of y", next under a paged table; the caller gives the words from its own messages. */
export function Pager(p: {
  page: number;
  pages: number;
  setPage: Dispatch<SetStateAction<number>>;
  label: string;
  prev: string;
  next: string;
  status: string;
  statusTestId?: string;
}) {
  return (
    <nav className="flex items-center gap-3" aria-label={p.label}>
      <button type="button" className="rounded border px-3 py-1" disabled={p.page <= 1} onClick={() => p.setPage((n) => n - 1)}>{p.prev}</button>
      <span data-testid={p.statusTestId}>{p.status}</span>
      <button type="button" className="rounded border px-3 py-1" disabled={p.page >= p.pages} onClick={() => p.setPage((n) => n + 1)}>{p.next}</button>
    </nav>
  );
}
