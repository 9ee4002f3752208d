-- The embedded ledger, batched (issue 5, bench `ledger`). A settlement pass submits hundreds of
-- transfers in one transaction; moving each account's balance once per posting updated the same
-- three rows hundreds of times in one transaction (each update a new row version the next must
-- walk past). Now the transfers of a call are checked against running balances in memory, inserted
-- with one statement each for transfers and postings, and a statement-level trigger (transition
-- table) moves each account's balance once per statement. The rules are unchanged: the CHECK still
-- refuses an overdraft at the end of every statement, and each transfer is refused on its own if it
-- would overdraw at its position.

DROP TRIGGER ledger_postings_apply ON "ledger_postings";
DROP FUNCTION ledger_apply_posting();

CREATE FUNCTION ledger_apply_postings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "ledger_accounts" a SET "balance" = a."balance" + s.total
    FROM (SELECT "account", sum("amount") AS total FROM new_postings GROUP BY "account") s
   WHERE a."code" = s."account";
  RETURN NULL;
END;
$$;
CREATE TRIGGER ledger_postings_apply AFTER INSERT ON "ledger_postings"
  REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION ledger_apply_postings();

DROP FUNCTION ledger_submit(text);

-- Many intents, in order, all under one lock of the head. Each comes back with its own code (see
-- the first ledger migration): ok, replayed, conflict, invalid, unknown_account, insufficient.
CREATE FUNCTION ledger_submit_many(p_bodies text[])
RETURNS TABLE (i int, code text, ref uuid, seq bigint, hash text, detail text)
LANGUAGE plpgsql AS $$
DECLARE
  n int := coalesce(array_length(p_bodies, 1), 0);
  k int;
  b json;
  v_key text;
  v_accounts text[];
  v_amounts bigint[];
  v_height bigint;
  v_prev text;
  v_found jsonb;
  existing jsonb;
  v_bad text;
  v_unknown text;
  v_count int;
  v_distinct int;
  v_sum numeric;
  v_zero boolean;
  j int;
  v_hash text;
  v_id uuid;
  bal jsonb;
  neg jsonb;
  known text[];
  keys jsonb := '{}'::jsonb;
  t_seq bigint[] := '{}'; t_id uuid[] := '{}'; t_key text[] := '{}'; t_kind text[] := '{}'; t_rec text[] := '{}';
  t_ph text[] := '{}'; t_body text[] := '{}'; t_prev text[] := '{}'; t_hash text[] := '{}';
  p_seq bigint[] := '{}'; p_n int[] := '{}'; p_acc text[] := '{}'; p_amt bigint[] := '{}';
  c_code text[]; c_ref uuid[]; c_seq bigint[]; c_hash text[]; c_detail text[];
BEGIN
  c_code := array_fill(NULL::text, ARRAY[n]); c_ref := array_fill(NULL::uuid, ARRAY[n]); c_seq := array_fill(NULL::bigint, ARRAY[n]);
  c_hash := array_fill(NULL::text, ARRAY[n]); c_detail := array_fill(NULL::text, ARRAY[n]);
  IF n = 0 THEN RETURN; END IF;

  SELECT h."height", h."hash" INTO v_height, v_prev FROM "ledger_head" h WHERE h."id" = 1 FOR UPDATE;

  -- Lock every account any intent names, once, in code order (no deadlocks), and read balances.
  SELECT coalesce(jsonb_object_agg(a."code", a."balance"), '{}'), coalesce(jsonb_object_agg(a."code", a."allow_negative"), '{}'), coalesce(array_agg(a."code"), '{}')
    INTO bal, neg, known
    FROM (SELECT x."code", x."balance", x."allow_negative" FROM "ledger_accounts" x
           WHERE x."code" IN (SELECT e->>0 FROM unnest(p_bodies) body, json_array_elements(CASE WHEN json_typeof(body::json->'postings') = 'array' THEN body::json->'postings' ELSE '[]'::json END) e)
           ORDER BY x."code" FOR UPDATE) a;

  -- Keys already on the ledger, in one lookup (a malformed body falls back to a lookup per intent).
  BEGIN
    SELECT coalesce(jsonb_object_agg(t."idempotency_key", jsonb_build_object('id', t."id", 'seq', t."seq", 'hash', t."hash", 'body', t."body")), '{}')
      INTO existing FROM "ledger_transfers" t WHERE t."idempotency_key" IN (SELECT x::json->>'key' FROM unnest(p_bodies) x);
  EXCEPTION WHEN others THEN
    existing := NULL;
  END;

  FOR k IN 1..n LOOP
    -- One query parses the postings and computes every check of the intent.
    BEGIN
      b := p_bodies[k]::json;
      v_key := b->>'key';
      SELECT array_agg(e->>0 ORDER BY o), array_agg((e->>1)::bigint ORDER BY o), count(*), count(DISTINCT e->>0),
             coalesce(sum((e->>1)::numeric), 0), coalesce(bool_or((e->>1)::bigint = 0), false),
             string_agg(e->>0, ', ') FILTER (WHERE NOT (e->>0 = ANY (known))),
             string_agg(e->>0, ', ') FILTER (WHERE e->>0 = ANY (known) AND NOT (neg->>(e->>0))::boolean AND (bal->>(e->>0))::numeric + (e->>1)::numeric < 0)
        INTO v_accounts, v_amounts, v_count, v_distinct, v_sum, v_zero, v_unknown, v_bad
        FROM json_array_elements(b->'postings') WITH ORDINALITY AS t(e, o);
    EXCEPTION WHEN others THEN
      c_code[k] := 'invalid'; c_detail[k] := 'malformed intent: ' || SQLERRM; CONTINUE;
    END;
    IF v_key IS NULL OR length(v_key) = 0 OR coalesce(b->>'kind', '') = '' OR coalesce(b->>'recordId', '') = '' OR coalesce(b->>'payloadHash', '') = '' THEN
      c_code[k] := 'invalid'; c_detail[k] := 'key, kind, recordId and payloadHash are required'; CONTINUE;
    END IF;
    IF v_count < 2 THEN
      c_code[k] := 'invalid'; c_detail[k] := 'a transfer needs two or more postings'; CONTINUE;
    END IF;
    IF v_zero OR EXISTS (SELECT 1 FROM unnest(v_amounts) a WHERE a IS NULL) THEN
      c_code[k] := 'invalid'; c_detail[k] := 'a posting amount must be a non-zero whole number of base units'; CONTINUE;
    END IF;
    IF v_distinct <> v_count THEN
      c_code[k] := 'invalid'; c_detail[k] := 'an account appears twice in one transfer'; CONTINUE;
    END IF;
    IF v_sum <> 0 THEN
      c_code[k] := 'invalid'; c_detail[k] := 'the postings do not sum to zero'; CONTINUE;
    END IF;

    -- Idempotency: a key taken earlier in this call, or before it.
    IF keys ? v_key THEN
      j := (keys->>v_key)::int;
      IF p_bodies[j] = p_bodies[k] THEN
        c_code[k] := 'replayed'; c_ref[k] := c_ref[j]; c_seq[k] := c_seq[j]; c_hash[k] := c_hash[j];
      ELSE
        c_code[k] := 'conflict'; c_ref[k] := c_ref[j]; c_detail[k] := 'idempotency key ' || v_key || ' was used with a different intent';
      END IF;
      CONTINUE;
    END IF;
    IF existing IS NULL THEN
      SELECT jsonb_build_object('id', t."id", 'seq', t."seq", 'hash', t."hash", 'body', t."body") INTO v_found FROM "ledger_transfers" t WHERE t."idempotency_key" = v_key;
    ELSE
      v_found := existing->v_key;
    END IF;
    IF v_found IS NOT NULL THEN
      IF v_found->>'body' = p_bodies[k] THEN
        c_code[k] := 'replayed'; c_ref[k] := (v_found->>'id')::uuid; c_seq[k] := (v_found->>'seq')::bigint; c_hash[k] := v_found->>'hash';
      ELSE
        c_code[k] := 'conflict'; c_ref[k] := (v_found->>'id')::uuid; c_detail[k] := 'idempotency key ' || v_key || ' was used with a different intent';
      END IF;
      CONTINUE;
    END IF;

    IF v_unknown IS NOT NULL THEN
      c_code[k] := 'unknown_account'; c_detail[k] := v_unknown; CONTINUE;
    END IF;
    IF v_bad IS NOT NULL THEN
      c_code[k] := 'insufficient'; c_detail[k] := v_bad; CONTINUE;
    END IF;

    v_height := v_height + 1;
    FOR j IN 1..v_count LOOP
      bal := jsonb_set(bal, ARRAY[v_accounts[j]], to_jsonb((bal->>v_accounts[j])::numeric + v_amounts[j]));
      p_seq := p_seq || v_height; p_n := p_n || j;
    END LOOP;
    v_hash := encode(sha256(decode(v_prev, 'hex') || int8send(v_height) || convert_to(p_bodies[k], 'UTF8')), 'hex');
    v_id := gen_random_uuid();
    t_seq := t_seq || v_height; t_id := t_id || v_id; t_key := t_key || v_key; t_kind := t_kind || (b->>'kind'); t_rec := t_rec || (b->>'recordId');
    t_ph := t_ph || (b->>'payloadHash'); t_body := t_body || p_bodies[k]; t_prev := t_prev || v_prev; t_hash := t_hash || v_hash;
    p_acc := p_acc || v_accounts; p_amt := p_amt || v_amounts;
    keys := keys || jsonb_build_object(v_key, k);
    c_code[k] := 'ok'; c_ref[k] := v_id; c_seq[k] := v_height; c_hash[k] := v_hash;
    v_prev := v_hash;
  END LOOP;

  IF array_length(t_seq, 1) > 0 THEN
    INSERT INTO "ledger_transfers" ("seq", "id", "idempotency_key", "kind", "record_id", "payload_hash", "body", "prev_hash", "hash")
    SELECT * FROM unnest(t_seq, t_id, t_key, t_kind, t_rec, t_ph, t_body, t_prev, t_hash);
    INSERT INTO "ledger_postings" ("transfer_seq", "n", "account", "amount") SELECT * FROM unnest(p_seq, p_n, p_acc, p_amt);
    UPDATE "ledger_head" SET "height" = v_height, "hash" = v_prev WHERE "id" = 1;
  END IF;
  RETURN QUERY SELECT g, c_code[g], c_ref[g], c_seq[g], c_hash[g], c_detail[g] FROM generate_series(1, n) g;
END;
$$;

CREATE FUNCTION ledger_submit(p_body text)
RETURNS TABLE (code text, ref uuid, seq bigint, hash text, detail text)
LANGUAGE sql AS $$
  SELECT r.code, r.ref, r.seq, r.hash, r.detail FROM ledger_submit_many(ARRAY[p_body]) r;
$$;
