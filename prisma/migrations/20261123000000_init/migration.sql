-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "RegionLevel" AS ENUM ('province', 'city', 'county');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('officer', 'supervisor', 'admin');

-- CreateEnum
CREATE TYPE "Sex" AS ENUM ('male', 'female');

-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('active', 'suspended', 'terminated');

-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('running', 'completed', 'failed');

-- CreateTable
CREATE TABLE "regions" (
    "code" TEXT NOT NULL,
    "level" "RegionLevel" NOT NULL,
    "parent_code" TEXT,
    "name" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,

    CONSTRAINT "regions_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "disabled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_regions" (
    "user_id" UUID NOT NULL,
    "region_code" TEXT NOT NULL,

    CONSTRAINT "user_regions_pkey" PRIMARY KEY ("user_id","region_code")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "ip" TEXT,
    "user_agent" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sign_in_failures" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sign_in_failures_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pensioners" (
    "id" UUID NOT NULL,
    "id_cipher" BYTEA NOT NULL,
    "id_hmac" BYTEA NOT NULL,
    "id_key_version" INTEGER NOT NULL,
    "id_prefix" CHAR(4) NOT NULL,
    "id_suffix" CHAR(4) NOT NULL,
    "name" TEXT NOT NULL,
    "sex" "Sex" NOT NULL,
    "birth_date" DATE NOT NULL,
    "region_code" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "scheme" TEXT NOT NULL,
    "monthly_pension_fen" BIGINT NOT NULL,
    "payment_status" "PaymentStatus" NOT NULL DEFAULT 'active',
    "enrolled_on" DATE NOT NULL,
    "import_id" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pensioners_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "roll_imports" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "file_name" TEXT NOT NULL,
    "file_sha256" TEXT,
    "status" "ImportStatus" NOT NULL DEFAULT 'running',
    "bytes_total" BIGINT,
    "bytes_read" BIGINT NOT NULL DEFAULT 0,
    "rows_read" INTEGER NOT NULL DEFAULT 0,
    "rows_inserted" INTEGER NOT NULL DEFAULT 0,
    "rows_unchanged" INTEGER NOT NULL DEFAULT 0,
    "rows_rejected" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "roll_imports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "roll_import_rejections" (
    "import_id" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "field" TEXT NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "roll_import_rejections_pkey" PRIMARY KEY ("import_id","line","field")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "actor_role" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT,
    "region_code" TEXT,
    "summary" JSONB NOT NULL DEFAULT '{}',
    "request_id" TEXT,
    "ip" TEXT,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "kiosk_devices" (
    "id" UUID NOT NULL,
    "region_code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "token_hash" BYTEA,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "kiosk_devices_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "regions_parent_code_idx" ON "regions"("parent_code");

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key" ON "users"("username");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE INDEX "sign_in_failures_key_at_idx" ON "sign_in_failures"("key", "at");

-- CreateIndex
CREATE UNIQUE INDEX "pensioners_id_hmac_key" ON "pensioners"("id_hmac");

-- CreateIndex
CREATE INDEX "pensioners_region_code_name_idx" ON "pensioners"("region_code", "name");

-- CreateIndex
CREATE INDEX "pensioners_region_code_id_suffix_idx" ON "pensioners"("region_code", "id_suffix");

-- CreateIndex
CREATE INDEX "pensioners_region_code_payment_status_idx" ON "pensioners"("region_code", "payment_status");

-- CreateIndex
CREATE INDEX "roll_imports_user_id_started_at_idx" ON "roll_imports"("user_id", "started_at");

-- CreateIndex
CREATE INDEX "audit_events_target_type_target_id_at_idx" ON "audit_events"("target_type", "target_id", "at");

-- CreateIndex
CREATE INDEX "audit_events_region_code_at_idx" ON "audit_events"("region_code", "at");

-- CreateIndex
CREATE UNIQUE INDEX "kiosk_devices_token_hash_key" ON "kiosk_devices"("token_hash");

-- CreateIndex
CREATE INDEX "kiosk_devices_region_code_idx" ON "kiosk_devices"("region_code");

-- AddForeignKey
ALTER TABLE "regions" ADD CONSTRAINT "regions_parent_code_fkey" FOREIGN KEY ("parent_code") REFERENCES "regions"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_regions" ADD CONSTRAINT "user_regions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_regions" ADD CONSTRAINT "user_regions_region_code_fkey" FOREIGN KEY ("region_code") REFERENCES "regions"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "roll_import_rejections" ADD CONSTRAINT "roll_import_rejections_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "roll_imports"("id") ON DELETE CASCADE ON UPDATE CASCADE;
