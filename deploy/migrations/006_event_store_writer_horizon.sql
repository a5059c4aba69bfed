-- Readers wait only for event-store writers, not for every transaction of the cluster.
--
-- readAll may return a position only when no transaction that could still write a lower one is running.
-- Until now that was "below the oldest running transaction of the whole cluster", so every write elsewhere
-- (a projector's batch, another application's job) held the relay back for as long as it ran: with the
-- projectors busy, every hop of the saga waited for their transactions. Now every transaction that appends
-- takes a shared, transaction-scoped advisory lock BEFORE it gets its transaction id, and the horizon is the
-- oldest running transaction that holds that lock (event_store_read_horizon). A transaction that got its id
-- without the lock (it wrote something else first) is refused, because a reader could not see it coming:
-- such a caller enters as a writer first, with `SELECT event_store_enter_writer()` at its start.

-- Lock key: ('EVTS', hash of the schema), so stores in different schemas never wait for each other.
CREATE OR REPLACE FUNCTION event_store_enter_writer() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF pg_current_xact_id_if_assigned() IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM pg_locks l
        WHERE l.pid = pg_backend_pid() AND l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
          AND l.classid = 1163285587 AND l.objid = (hashtext(current_schema())::bigint & 4294967295)::oid) THEN
    RAISE EXCEPTION 'event store: this transaction wrote before it appended; run SELECT event_store_enter_writer() first in it'
      USING ERRCODE = '55000';
  END IF;
  PERFORM pg_advisory_xact_lock_shared(1163285587, hashtext(current_schema()));
END;
$$;

-- The oldest running event-store writer's transaction id (xid8 as bigint), or the snapshot's xmax when none
-- runs. The snapshot is taken when the calling statement starts and the locks are read after it, so a writer
-- that had its id at the snapshot and still runs is seen; readAll then reads events with a later statement.
CREATE OR REPLACE FUNCTION event_store_read_horizon() RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT coalesce(min(x::text::bigint), pg_snapshot_xmax(pg_current_snapshot())::text::bigint)
    FROM pg_snapshot_xip(pg_current_snapshot()) AS x
   WHERE (x::text::bigint & 4294967295) IN (
     SELECT a.backend_xid::text::bigint
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
        AND l.classid = 1163285587 AND l.objid = (hashtext(current_schema())::bigint & 4294967295)::oid
        AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
        AND a.backend_xid IS NOT NULL)
$$;

CREATE OR REPLACE FUNCTION event_store_append(p_stream_id text, p_expected bigint, p_events jsonb,
  OUT outcome text, OUT stream_version bigint, OUT last_position bigint, OUT detail text)
LANGUAGE plpgsql AS $$
DECLARE
  v_count int := jsonb_array_length(p_events);
  v_ids uuid[];
  v_current bigint;
  v_known int;
  v_known_here int;
  v_other_streams text;
  v_transaction bigint;
  v_offset bigint;
  v_highest bigint;
BEGIN
  PERFORM event_store_enter_writer();
  IF v_count = 0 THEN
    SELECT s.version INTO v_current FROM streams s WHERE s.stream_id = p_stream_id;
    stream_version := coalesce(v_current, -1);
    outcome := CASE WHEN p_expected IS NULL OR p_expected = stream_version THEN 'unchanged' ELSE 'wrong_expected_version' END;
    SELECT e.position INTO last_position FROM events e WHERE e.stream_id = p_stream_id AND e.version = v_current;
    last_position := coalesce(last_position, -1);
    RETURN;
  END IF;

  v_ids := ARRAY(SELECT (e.value ->> 'id')::uuid FROM jsonb_array_elements(p_events) AS e(value));
  LOOP
    -- Taken before the id check, so a retry racing its own original waits for it and then sees its rows.
    SELECT s.version INTO v_current FROM streams s WHERE s.stream_id = p_stream_id FOR UPDATE;

    SELECT count(*), count(*) FILTER (WHERE e.stream_id = p_stream_id),
           string_agg(DISTINCT e.stream_id, ', ') FILTER (WHERE e.stream_id <> p_stream_id)
      INTO v_known, v_known_here, v_other_streams
      FROM events e WHERE e.event_id = ANY (v_ids);
    IF v_known_here = v_count THEN
      outcome := 'duplicate';
      SELECT e.version, e.position INTO stream_version, last_position
        FROM events e WHERE e.event_id = ANY (v_ids) ORDER BY e.version DESC LIMIT 1;
      RETURN;
    ELSIF v_known > 0 THEN
      outcome := 'event_ids_conflict';
      detail := format('%s of the %s event ids are already stored', v_known, v_count)
        || CASE WHEN v_other_streams IS NULL THEN '' ELSE format(' (in stream %s)', v_other_streams) END;
      RETURN;
    END IF;

    stream_version := coalesce(v_current, -1);
    IF p_expected IS NOT NULL AND p_expected <> stream_version THEN
      outcome := 'wrong_expected_version';
      RETURN;
    END IF;

    IF v_current IS NULL THEN
      INSERT INTO streams (stream_id, version) VALUES (p_stream_id, v_count - 1) ON CONFLICT (stream_id) DO NOTHING;
      EXIT WHEN FOUND;
      -- Another transaction created the stream meanwhile and has committed: decide again against it.
    ELSE
      UPDATE streams SET version = v_current + v_count WHERE stream_id = p_stream_id;
      EXIT;
    END IF;
  END LOOP;

  v_transaction := pg_current_xact_id()::text::bigint;
  IF v_transaction >= (1::bigint << 47) THEN
    RAISE EXCEPTION 'event store: transaction id % no longer fits a position', v_transaction;
  END IF;
  -- Positions already taken by an earlier append in this same transaction. Written as max() so the plan is
  -- an index-only backward scan whatever the parameters: a generic plan for a `position >= $1` range is a
  -- sequential scan, which made every append read the whole table once the table was large.
  SELECT max(e.position) INTO v_highest FROM events e WHERE e.position < (v_transaction + 1) << 16;
  v_offset := CASE WHEN v_highest >= v_transaction << 16 THEN v_highest - (v_transaction << 16) + 1 ELSE 0 END;
  IF v_offset + v_count > 65536 THEN
    RAISE EXCEPTION 'event store: at most 65536 events per transaction';
  END IF;
  -- A committed row from a transaction id this cluster has not handed out yet means the data was restored
  -- into a cluster whose transaction counter is behind: new positions would sort before old ones.
  SELECT max(e.position) INTO v_highest FROM events e;
  IF v_highest >= (greatest(pg_snapshot_xmax(pg_current_snapshot())::text::bigint, v_transaction + 1) << 16) THEN
    RAISE EXCEPTION 'event store: stored positions lie ahead of this cluster''s transaction ids; advance the transaction counter (see docs/event-store.md)';
  END IF;

  INSERT INTO events (position, stream_id, version, event_id, type, data, metadata)
  SELECT (v_transaction << 16) + v_offset + e.ordinality - 1,
         p_stream_id,
         stream_version + e.ordinality,
         (e.value ->> 'id')::uuid,
         e.value ->> 'type',
         coalesce(e.value -> 'data', 'null'::jsonb),
         coalesce(e.value -> 'metadata', '{}'::jsonb)
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ordinality);

  outcome := 'appended';
  stream_version := stream_version + v_count;
  last_position := (v_transaction << 16) + v_offset + v_count - 1;
END;
$$;

CREATE OR REPLACE FUNCTION event_store_append_batch(p_appends jsonb)
RETURNS TABLE (append_index int, outcome text, stream_version bigint, last_position bigint, detail text)
LANGUAGE plpgsql AS $$
DECLARE
  v_total int := jsonb_array_length(p_appends);
  v_outcomes text[] := array_fill(NULL::text, ARRAY[v_total]);
  v_versions bigint[] := array_fill(NULL::bigint, ARRAY[v_total]);
  v_positions bigint[] := array_fill(NULL::bigint, ARRAY[v_total]);
  v_details text[] := array_fill(NULL::text, ARRAY[v_total]);
  v_append record;
  v_count int;
  v_ids uuid[];
  v_current bigint;
  v_known int;
  v_known_here int;
  v_other_streams text;
  v_version bigint;
  v_position bigint;
  -- Set at the batch's first insert: this transaction's id and the index of its next position.
  v_transaction bigint;
  v_offset bigint;
  v_highest bigint;
BEGIN
  PERFORM event_store_enter_writer();
  FOR v_append IN
    SELECT a.ordinality::int AS index, a.value ->> 'stream' AS stream_id,
           (a.value ->> 'expected')::bigint AS expected, a.value -> 'events' AS events
      FROM jsonb_array_elements(p_appends) WITH ORDINALITY AS a(value, ordinality)
     ORDER BY a.value ->> 'stream' COLLATE "C", a.ordinality
  LOOP
    v_count := jsonb_array_length(v_append.events);
    v_position := NULL;
    <<one_append>>
    BEGIN
      IF v_count = 0 THEN
        SELECT s.version INTO v_current FROM streams s WHERE s.stream_id = v_append.stream_id;
        v_version := coalesce(v_current, -1);
        v_outcomes[v_append.index] := CASE WHEN v_append.expected IS NULL OR v_append.expected = v_version
                                           THEN 'unchanged' ELSE 'wrong_expected_version' END;
        SELECT e.position INTO v_position FROM events e
         WHERE e.stream_id = v_append.stream_id AND e.version = v_current;
        v_versions[v_append.index] := v_version;
        v_positions[v_append.index] := coalesce(v_position, -1);
        EXIT one_append;
      END IF;

      v_ids := ARRAY(SELECT (e.value ->> 'id')::uuid FROM jsonb_array_elements(v_append.events) AS e(value));
      LOOP
        -- Taken before the id check, so a retry racing its own original waits for it and then sees its rows.
        SELECT s.version INTO v_current FROM streams s WHERE s.stream_id = v_append.stream_id FOR UPDATE;

        SELECT count(*), count(*) FILTER (WHERE e.stream_id = v_append.stream_id),
               string_agg(DISTINCT e.stream_id, ', ') FILTER (WHERE e.stream_id <> v_append.stream_id)
          INTO v_known, v_known_here, v_other_streams
          FROM events e WHERE e.event_id = ANY (v_ids);
        IF v_known_here = v_count THEN
          SELECT e.version, e.position INTO v_version, v_position
            FROM events e WHERE e.event_id = ANY (v_ids) ORDER BY e.version DESC LIMIT 1;
          v_outcomes[v_append.index] := 'duplicate';
          v_versions[v_append.index] := v_version;
          v_positions[v_append.index] := v_position;
          EXIT one_append;
        ELSIF v_known > 0 THEN
          v_outcomes[v_append.index] := 'event_ids_conflict';
          v_details[v_append.index] := format('%s of the %s event ids are already stored', v_known, v_count)
            || CASE WHEN v_other_streams IS NULL THEN '' ELSE format(' (in stream %s)', v_other_streams) END;
          EXIT one_append;
        END IF;

        v_version := coalesce(v_current, -1);
        IF v_append.expected IS NOT NULL AND v_append.expected <> v_version THEN
          v_outcomes[v_append.index] := 'wrong_expected_version';
          v_versions[v_append.index] := v_version;
          EXIT one_append;
        END IF;

        IF v_current IS NULL THEN
          INSERT INTO streams (stream_id, version) VALUES (v_append.stream_id, v_count - 1)
            ON CONFLICT (stream_id) DO NOTHING;
          EXIT WHEN FOUND;
          -- Another transaction created the stream meanwhile and has committed: decide again against it.
        ELSE
          UPDATE streams SET version = v_current + v_count WHERE stream_id = v_append.stream_id;
          EXIT;
        END IF;
      END LOOP;

      IF v_transaction IS NULL THEN
        v_transaction := pg_current_xact_id()::text::bigint;
        IF v_transaction >= (1::bigint << 47) THEN
          RAISE EXCEPTION 'event store: transaction id % no longer fits a position', v_transaction;
        END IF;
        -- Positions an earlier append of this same transaction took (none when the batch is the transaction).
        -- Written as max() so the plan stays an index-only backward scan (see 003).
        SELECT max(e.position) INTO v_highest FROM events e WHERE e.position < (v_transaction + 1) << 16;
        v_offset := CASE WHEN v_highest >= v_transaction << 16 THEN v_highest - (v_transaction << 16) + 1 ELSE 0 END;
        -- A committed row from a transaction id this cluster has not handed out yet means the data was
        -- restored into a cluster whose transaction counter is behind: new positions would sort before old ones.
        SELECT max(e.position) INTO v_highest FROM events e;
        IF v_highest >= (greatest(pg_snapshot_xmax(pg_current_snapshot())::text::bigint, v_transaction + 1) << 16) THEN
          RAISE EXCEPTION 'event store: stored positions lie ahead of this cluster''s transaction ids; advance the transaction counter (see docs/event-store.md)';
        END IF;
      END IF;
      IF v_offset + v_count > 65536 THEN
        RAISE EXCEPTION 'event store: at most 65536 events per transaction';
      END IF;

      INSERT INTO events (position, stream_id, version, event_id, type, data, metadata)
      SELECT (v_transaction << 16) + v_offset + e.ordinality - 1,
             v_append.stream_id,
             v_version + e.ordinality,
             (e.value ->> 'id')::uuid,
             e.value ->> 'type',
             coalesce(e.value -> 'data', 'null'::jsonb),
             coalesce(e.value -> 'metadata', '{}'::jsonb)
        FROM jsonb_array_elements(v_append.events) WITH ORDINALITY AS e(value, ordinality);

      v_offset := v_offset + v_count;
      v_outcomes[v_append.index] := 'appended';
      v_versions[v_append.index] := v_version + v_count;
      v_positions[v_append.index] := (v_transaction << 16) + v_offset - 1;
    END;
  END LOOP;

  RETURN QUERY SELECT i, v_outcomes[i], v_versions[i], v_positions[i], v_details[i]
                 FROM generate_series(1, v_total) AS i;
END;
$$;
