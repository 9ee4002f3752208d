"use client";

/** A revoke button in a table row: asks first (the browser's confirm), disabled while a revoke is in flight. */
export function RevokeButton({ label, confirm, pending, onRevoke }: { label: string; confirm: string; pending: boolean; onRevoke: () => void }) {
  return (
    <button
      type="button"
      disabled={pending}
      className="rounded border border-red-300 px-3 py-1 text-red-800"
      onClick={() => {
        if (window.confirm(confirm)) onRevoke();
      }}
    >
      {label}
    </button>
  );
}
