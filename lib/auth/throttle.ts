// Sign-in throttling as NIST SP 800-63B 5.2.2 asks: no hard lockout, but a delay that doubles
// with each failure past the free ones (1 s, 2 s, 4 s … up to the maximum).

export type TFailureTally = { count: number; last: Date | null };

/** Seconds still to wait before the next try, given the failures counted in the window. */
export function waitSeconds(t: TFailureTally, free: number, maxDelaySeconds: number, now = new Date()): number {
  if (t.count < free || !t.last) return 0;
  const delay = Math.min(maxDelaySeconds, 2 ** Math.min(30, t.count - free));
  return Math.max(0, Math.ceil((t.last.getTime() + delay * 1000 - now.getTime()) / 1000));
}

/**
 * Whether a try may go ahead. An address past its own allowance waits. An account past its
 * allowance waits only for addresses that have themselves failed on it recently (or that cannot
 * be told apart): from any other address (her desk, behind an office NAT where a colleague once
 * mistyped) its owner still signs in, so a stranger cannot lock staff out, and an attacker gets one
 * guess per fresh address.
 */
export function throttleDecision(
  account: TFailureTally,
  address: TFailureTally | null,
  addressOnAccount: TFailureTally | null,
  o: { freePerAccount: number; freePerAddress: number; maxDelaySeconds: number; now?: Date },
): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
  const byAddress = address ? waitSeconds(address, o.freePerAddress, o.maxDelaySeconds, o.now) : 0;
  const accountWait = waitSeconds(account, o.freePerAccount, o.maxDelaySeconds, o.now);
  const byAccount = !address || (addressOnAccount?.count ?? 0) > 0 ? accountWait : 0;
  const wait = Math.max(byAddress, byAccount);
  return wait > 0 ? { allowed: false, retryAfterSeconds: wait } : { allowed: true };
}
