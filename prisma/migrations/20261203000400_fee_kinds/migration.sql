-- What a fee pays for: a run batch's assessments, a kiosk try, the reassessment after a kiosk pass
-- ('assessment', settled with its check) and, new, a case's reassessment after an in-person check or
-- a manual intervention, which was recorded as 'assessment' before. Those older rows cannot be told
-- apart from a kiosk pass's and keep their kind.
ALTER TABLE "fee_records" ADD CONSTRAINT "fee_records_kind_check" CHECK ("kind" IN ('assessment', 'liveness', 'case-reassessment'));
