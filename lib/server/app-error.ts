export const ERROR_STATUS = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  /** The account must change its one-time password or enrol a second factor before anything else. */
  SETUP_REQUIRED: 403,
  INTERNAL: 500,
  /** The database is unreachable (restarting, failing over): retry shortly. */
  SERVICE_UNAVAILABLE: 503,
  BDMI_UNAVAILABLE: 502,
  LEDGER_UNAVAILABLE: 502,
  /** A ledger account would go below zero: the settlement waits (blocked) until it is funded. */
  LEDGER_INSUFFICIENT_FUNDS: 409,
  /** Printed notices: the CJK font (NOTICE_FONT_PATH) is missing or not a font. */
  NOTICE_FONT_MISSING: 500,
  /** The case changed since the caller read it (its version moved): reload and decide again. */
  CASE_STALE: 409,
  /** The move does not exist from the case's status (lib/domain/case-machine.ts). */
  CASE_BAD_STATE: 409,
  /** The outcome does not fit the payment (suspending a suspended payment, …). */
  CASE_BAD_OUTCOME: 409,
  /** Reinstatement without a suspension or termination reopened by an appeal. */
  CASE_REINSTATE_WITHOUT_CLOSED_CASE: 409,
  /** The proposer cannot approve or reject their own proposal. */
  CASE_FOUR_EYES: 403,
  /** The caller's role cannot make this move (approve/reject: supervisors; withdraw: the proposer or a supervisor). */
  CASE_ROLE: 403,
} as const;

export type TErrorCode = keyof typeof ERROR_STATUS;
export type TFieldError = { path: string; message: string };

/** The one error type use cases throw; withRoute turns it into application/problem+json. */
export class AppError extends Error {
  readonly code: TErrorCode;
  readonly userMessage: string;
  readonly fieldErrors: TFieldError[];
  readonly upstreamStatus?: number;
  /** Sent as Retry-After (429, 503). */
  readonly retryAfterSeconds?: number;

  constructor(
    code: TErrorCode,
    userMessage: string,
    opts: { fieldErrors?: TFieldError[]; logMessage?: string; upstreamStatus?: number; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(opts.logMessage ?? userMessage, { cause: opts.cause });
    this.code = code;
    this.userMessage = userMessage;
    this.fieldErrors = opts.fieldErrors ?? [];
    this.upstreamStatus = opts.upstreamStatus;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  static notFound(what = "resource") {
    return new AppError("NOT_FOUND", `${what} not found`);
  }

  static validation(fieldErrors: TFieldError[]) {
    return new AppError("VALIDATION", "The request has invalid fields", { fieldErrors });
  }
}
