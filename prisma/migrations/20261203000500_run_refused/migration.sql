-- A run that reaches its time after a later month was completed for overlapping regions (a one-off
-- run scheduled for later) is refused when the worker picks it up, not worked out of month order.
ALTER TYPE "RunState" ADD VALUE 'refused';
