-- Issue 13, scale-out: pensioners' keys carry region_code, the distribution column of its
-- colocation group (docs/scale-out.md). A national ID stays unique across the province through
-- pensioner_identities, keyed by the ID's HMAC alone: on Citus it is distributed by id_hmac, in a
-- colocation group of its own. The roll import and createPensioner claim the identity in the same
-- transaction as they write the pensioner; a move to another county updates both.

CREATE TABLE "pensioner_identities" (
    "id_hmac" BYTEA NOT NULL,
    "pensioner_id" UUID NOT NULL,
    "region_code" TEXT NOT NULL,

    CONSTRAINT "pensioner_identities_pkey" PRIMARY KEY ("id_hmac")
);

INSERT INTO "pensioner_identities" ("id_hmac", "pensioner_id", "region_code")
SELECT "id_hmac", "id", "region_code" FROM "pensioners";

-- Lookups by ID number (search, the kiosk, the import's clash report) keep an index on pensioners.
DROP INDEX "pensioners_id_hmac_key";
CREATE INDEX "pensioners_id_hmac_idx" ON "pensioners" ("id_hmac");

ALTER TABLE "pensioners" DROP CONSTRAINT "pensioners_pkey";
ALTER TABLE "pensioners" ADD CONSTRAINT "pensioners_pkey" PRIMARY KEY ("id", "region_code");
