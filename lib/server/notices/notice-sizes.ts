/** Paper sizes a notice is laid out for (A4 for the counter's printer, A5 for envelopes). */
export const NOTICE_SIZES = ["A4", "A5"] as const;
export type TNoticeSize = (typeof NOTICE_SIZES)[number];
