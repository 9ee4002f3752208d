-- Staff accounts a bureau administers: email sign-in, one-time passwords that must be changed,
-- a TOTP second factor (secret encrypted like PII) with single-use hashed recovery codes, and
-- sign-in failures that keep their source address for the owner to see.
ALTER TABLE "users"
  ADD COLUMN "email" TEXT,
  ADD COLUMN "must_change_password" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "password_expires_at" TIMESTAMPTZ(3),
  ADD COLUMN "password_changed_at" TIMESTAMPTZ(3),
  ADD COLUMN "totp_secret_cipher" BYTEA,
  ADD COLUMN "totp_pending_cipher" BYTEA,
  ADD COLUMN "totp_key_version" INTEGER,
  ADD COLUMN "totp_enabled_at" TIMESTAMPTZ(3),
  ADD COLUMN "totp_last_step" BIGINT,
  ADD COLUMN "created_by" UUID;
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
ALTER TABLE "users" ADD CONSTRAINT "users_email_lower" CHECK ("email" IS NULL OR "email" = lower("email"));

CREATE TABLE "recovery_codes" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "user_id" UUID NOT NULL,
  "code_hash" BYTEA NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "used_at" TIMESTAMPTZ(3),
  CONSTRAINT "recovery_codes_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "recovery_codes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "recovery_codes_user_id_code_hash_key" ON "recovery_codes"("user_id", "code_hash");

ALTER TABLE "sessions" ADD COLUMN "second_factor" TEXT;

ALTER TABLE "sign_in_failures"
  ADD COLUMN "ip" TEXT,
  ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'password';
