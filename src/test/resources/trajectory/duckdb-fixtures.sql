-- Parquet fixtures written by DuckDB 1.5.6 (an independent writer), run from the test classpath with DuckDB JDBC.
-- duckdb-turns.parquet: 5,000 turns of 50 sessions in three row groups, Snappy, every column optional as DuckDB
-- writes them, turn as BIGINT (INT64), hash_ids as BIGINT[] (three-level LIST with optional elements; NULL on every
-- 7th row, an empty list on every 11th), a unicode session id, NULL languages on every 13th row, an extra column.
COPY (
  SELECT
    CASE WHEN i // 100 = 3 THEN 'séance-会话-3' ELSE 'session-' || (i // 100) END AS session_id,
    (i % 100)::BIGINT AS turn,
    CASE WHEN i % 13 = 0 THEN NULL ELSE ['python', 'java', 'go'][1 + (i // 100) % 3] END AS language,
    (10000 + 100 * (i % 100))::INTEGER AS input_tokens,
    (CASE WHEN i % 100 = 0 THEN 0 ELSE 9950 + 100 * (i % 100) END)::INTEGER AS reused_tokens,
    'harness-' || (i % 2) AS shared_prefix_id,
    8000::INTEGER AS shared_prefix_tokens,
    (50 + i % 7)::INTEGER AS output_tokens,
    (i * 3)::BIGINT AS tool_time_ms,
    CASE WHEN i % 7 = 0 THEN NULL WHEN i % 11 = 0 THEN []::BIGINT[]
         ELSE [i, i + 1, -i]::BIGINT[] END AS hash_ids,
    'ignored' AS note
  FROM range(5000) t(i)
) TO '$DIR/duckdb-turns.parquet' (FORMAT parquet, ROW_GROUP_SIZE 2048);
-- bad/wrong-type.parquet: input_tokens is a DOUBLE.
COPY (SELECT 's1' AS session_id, 0 AS turn, 'go' AS language, 1000.5::DOUBLE AS input_tokens, 0 AS reused_tokens,
        'sys' AS shared_prefix_id, 100 AS shared_prefix_tokens, 10 AS output_tokens, 5::BIGINT AS tool_time_ms)
  TO '$DIR/bad/wrong-type.parquet' (FORMAT parquet);
-- bad/missing-column.parquet: no tool_time_ms.
COPY (SELECT 's1' AS session_id, 0 AS turn, 'go' AS language, 1000 AS input_tokens, 0 AS reused_tokens,
        'sys' AS shared_prefix_id, 100 AS shared_prefix_tokens, 10 AS output_tokens)
  TO '$DIR/bad/missing-column.parquet' (FORMAT parquet);
-- bad/reused-above-input.parquet: row 2 claims more reused tokens than its input.
COPY (SELECT 's1' AS session_id, i AS turn, 'go' AS language, 1000 AS input_tokens,
        CASE WHEN i = 2 THEN 1200 ELSE 0 END AS reused_tokens, 'sys' AS shared_prefix_id,
        100 AS shared_prefix_tokens, 10 AS output_tokens, 5::BIGINT AS tool_time_ms FROM range(4) t(i))
  TO '$DIR/bad/reused-above-input.parquet' (FORMAT parquet);
-- bad/null-output.parquet: row 1 has no output_tokens.
COPY (SELECT 's1' AS session_id, i AS turn, 'go' AS language, 1000 AS input_tokens, 0 AS reused_tokens,
        'sys' AS shared_prefix_id, 100 AS shared_prefix_tokens, CASE WHEN i = 1 THEN NULL ELSE 10 END AS output_tokens,
        5::BIGINT AS tool_time_ms FROM range(3) t(i))
  TO '$DIR/bad/null-output.parquet' (FORMAT parquet);
-- bad/null-hash-id.parquet: row 1 has a NULL inside its hash_ids.
COPY (SELECT 's1' AS session_id, i AS turn, 'go' AS language, 1000 AS input_tokens, 0 AS reused_tokens,
        'sys' AS shared_prefix_id, 100 AS shared_prefix_tokens, 10 AS output_tokens, 5::BIGINT AS tool_time_ms,
        CASE WHEN i = 1 THEN [7, NULL] ELSE [7, 8] END::BIGINT[] AS hash_ids FROM range(2) t(i))
  TO '$DIR/bad/null-hash-id.parquet' (FORMAT parquet);
-- bad/hash-ids-text.parquet: hash_ids as text, not a list.
COPY (SELECT 's1' AS session_id, 0 AS turn, 'go' AS language, 1000 AS input_tokens, 0 AS reused_tokens,
        'sys' AS shared_prefix_id, 100 AS shared_prefix_tokens, 10 AS output_tokens, 5::BIGINT AS tool_time_ms,
        '1 2 3' AS hash_ids)
  TO '$DIR/bad/hash-ids-text.parquet' (FORMAT parquet);
