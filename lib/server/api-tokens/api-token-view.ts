import "server-only";

/** What an admin sees of a token: never the token or its hash. */
export type TApiTokenView = {
  id: string;
  name: string;
  scopes: string[];
  regionCodes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export function apiTokenView(r: { id: string; name: string; scopes: string[]; regionCodes: string[]; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): TApiTokenView {
  return {
    id: r.id,
    name: r.name,
    scopes: r.scopes,
    regionCodes: r.regionCodes,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}
