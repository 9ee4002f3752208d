import "server-only";
import { z } from "zod";
import { env } from "../../env.js";
import { TKY_DECIMALS } from "../../bdmi/contract";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { inScope } from "../regions/scope";
import { fundBureauAccount } from "./fund-bureau-account";

/** A supervisor's top-up: whole TKY with up to 8 decimals, at most 100,000,000 TKY at once. */
export const ZTopUp = z.object({
  province: z.string().regex(/^\d{2}$/, vmsg("regionCode")),
  amount: z.string().trim().regex(/^\d{1,9}(\.\d{1,8})?$/, vmsg("tkyAmount")),
  /** Made by the form once per top-up, so a double submit or a retry does not fund twice. */
  key: z.uuid({ message: vmsg("uuid") }),
});
export type TTopUp = z.infer<typeof ZTopUp>;

function baseUnits(amount: string): bigint {
  const [whole, frac = ""] = amount.split(".");
  return BigInt(whole!) * 10n ** BigInt(TKY_DECIMALS) + BigInt(frac.padEnd(TKY_DECIMALS, "0"));
}

/**
 * Tops up a province's bureau account from the funding (issuer) account on the embedded ledger:
 * the transfer and its `ledger.funded` audit event commit together, settlements the low balance
 * blocked are due at once, and the same key again is a replay that moves nothing. The province must
 * be within the caller's regions. On NEO the bureau's address is funded outside the platform.
 */
export async function topUpBureauAccount(actor: TActor, input: TTopUp): Promise<{ ref: string; replayed: boolean; amount: string }> {
  if (!inScope(input.province, actor.regions)) {
    throw new AppError("FORBIDDEN", "You can only top up the account of a province you supervise", { fieldErrors: [{ path: "body.province", message: vmsg("regionOutOfScope") }] });
  }
  const amount = baseUnits(input.amount);
  if (amount <= 0n || amount > 100_000_000n * 10n ** BigInt(TKY_DECIMALS)) throw AppError.validation([{ path: "body.amount", message: vmsg("tkyAmount") }]);
  if (env.LEDGER_ADAPTER !== "embedded") {
    throw new AppError("CONFLICT", "On the NEO ledger the bureau's address is funded by a TKY transfer outside the platform", { fieldErrors: [{ path: "body.province", message: vmsg("topUpNeo") }] });
  }
  const r = await fundBureauAccount(actor, { province: input.province, amount, key: `top-up:${input.key}` });
  return { ...r, amount: amount.toString() };
}
