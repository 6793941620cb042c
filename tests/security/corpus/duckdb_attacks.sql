-- Must-block SQL for DuckDB: every entry must be rejected by the guard (with the engine
-- cross-check), and executing it directly on the hardened read-only connection must change
-- nothing. Run against a copy of the sample database named attack.duckdb that also holds the
-- excluded table internal_tokens, with the column customers.email excluded.
--
-- Format: entries are separated by a line holding exactly `-- ---`; each entry starts with a
-- `-- category: NAME` line, and the rest is the statement, verbatim (it may contain `;` and
-- comments). `{TMP}` is replaced by a throwaway directory, and `{U+XXXX}` by that character
-- (so invisible characters stay reviewable in this file).
-- ---
-- category: writes_ddl
DELETE FROM orders
-- ---
-- category: writes_ddl
UPDATE products SET unit_price = 0
-- ---
-- category: writes_ddl
INSERT INTO regions VALUES (99, 'nowhere')
-- ---
-- category: writes_ddl
INSERT OR REPLACE INTO regions SELECT * FROM regions
-- ---
-- category: writes_ddl
DROP TABLE orders
-- ---
-- category: writes_ddl
CREATE TABLE copy_of_orders AS SELECT * FROM orders
-- ---
-- category: writes_ddl
ALTER TABLE orders ADD COLUMN pwned INTEGER
-- ---
-- category: writes_ddl
TRUNCATE orders
-- ---
-- category: writes_ddl
CREATE VIEW v AS SELECT 1 AS x
-- ---
-- category: writes_ddl
COMMENT ON TABLE orders IS 'pwned'
-- ---
-- category: writes_ddl
MERGE INTO regions r USING regions s ON r.region_id = s.region_id WHEN MATCHED THEN DELETE
-- ---
-- category: writes_ddl
CREATE SCHEMA pwned
-- ---
-- category: writes_ddl
CREATE INDEX orders_idx ON orders (order_id)
-- ---
-- category: writes_ddl
CREATE TYPE mood AS ENUM ('happy', 'sad')
-- ---
-- category: writes_ddl
CREATE SEQUENCE seq_pwned
-- ---
-- category: file_read
SELECT * FROM read_csv('/etc/passwd')
-- ---
-- category: file_read
SELECT * FROM read_csv_auto('/etc/passwd', header = false)
-- ---
-- category: file_read
SELECT content FROM read_text('/etc/passwd')
-- ---
-- category: file_read
SELECT * FROM read_blob('/etc/passwd')
-- ---
-- category: file_read
SELECT content FROM read_text('/proc/self/environ')
-- ---
-- category: file_read
SELECT * FROM glob('/etc/*')
-- ---
-- category: file_read
SELECT * FROM '/etc/passwd'
-- ---
-- category: file_read
SELECT * FROM "/etc/passwd"
-- ---
-- category: file_read
FROM '/etc/passwd'
-- ---
-- category: file_read
SELECT * FROM read_json_auto('/etc/passwd')
-- ---
-- category: file_read
SELECT * FROM read_parquet('{TMP}/*.parquet')
-- ---
-- category: file_read
SELECT * FROM parquet_scan('/etc/passwd')
-- ---
-- category: file_read
SELECT * FROM sniff_csv('/etc/passwd')
-- ---
-- category: file_read
SELECT * FROM parquet_metadata('/etc/passwd')
-- ---
-- category: file_read
SELECT * FROM 'https://example.com/data.csv'
-- ---
-- category: file_read
SELECT * FROM read_csv('http://169.254.169.254/latest/meta-data/')
-- ---
-- category: file_read
SELECT * FROM read_csv(['/etc/passwd', '/etc/hostname'])
-- ---
-- category: file_read
SELECT * FROM read_text('~/.bashrc')
-- ---
-- category: file_read
SELECT o.order_id, t.content FROM orders o, read_text('/etc/passwd') t
-- ---
-- category: file_read
SELECT * FROM orders o JOIN LATERAL read_text('/etc/passwd') t ON true
-- ---
-- category: file_read
SELECT (SELECT content FROM read_text('/etc/passwd')) AS x
-- ---
-- category: file_read
SELECT * FROM main.read_text('/etc/passwd')
-- ---
-- category: file_read
SELECT * FROM system.main.read_text('/etc/passwd')
-- ---
-- category: file_read
SELECT * FROM "READ_TEXT"('/etc/passwd')
-- ---
-- category: file_read
SELECT ('/etc/passwd').read_text()
-- ---
-- category: file_read
SELECT * FROM read_duckdb('{TMP}/other.duckdb')
-- ---
-- category: file_read
SELECT * FROM read_ndjson_objects('/etc/passwd')
-- ---
-- category: file_read
SELECT * FROM sqlite_scan('{TMP}/x.db', 'users')
-- ---
-- category: file_write
COPY orders TO '{TMP}/orders.csv'
-- ---
-- category: file_write
COPY (SELECT * FROM customers) TO '{TMP}/customers.parquet' (FORMAT parquet)
-- ---
-- category: file_write
COPY regions FROM '/etc/passwd'
-- ---
-- category: file_write
EXPORT DATABASE '{TMP}/dump'
-- ---
-- category: file_write
IMPORT DATABASE '{TMP}/dump'
-- ---
-- category: file_write
CALL enable_logging()
-- ---
-- category: file_write
SET profiling_output = '{TMP}/profile.json'
-- ---
-- category: copy_stdout
COPY orders TO '/dev/stdout'
-- ---
-- category: copy_stdout
COPY orders TO STDOUT
-- ---
-- category: sql_in_string
SELECT * FROM query('SELECT * FROM internal_tokens')
-- ---
-- category: sql_in_string
SELECT * FROM query('SEL' || 'ECT 42')
-- ---
-- category: sql_in_string
SELECT * FROM query_table('internal_tokens')
-- ---
-- category: sql_in_string
SELECT * FROM query_table(['internal_tokens', 'regions'], true)
-- ---
-- category: sql_in_string
SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT * FROM internal_tokens'))
-- ---
-- category: sql_in_string
SELECT json_serialize_sql('SELECT token FROM internal_tokens') AS plan
-- ---
-- category: sql_in_string
SELECT json_deserialize_sql(json_serialize_sql('SELECT 1')) AS q
-- ---
-- category: settings_session
SET memory_limit = '10GB'
-- ---
-- category: settings_session
SET enable_external_access = true
-- ---
-- category: settings_session
SET lock_configuration = false
-- ---
-- category: settings_session
SET GLOBAL python_enable_replacements = true
-- ---
-- category: settings_session
RESET threads
-- ---
-- category: settings_session
PRAGMA threads = 64
-- ---
-- category: settings_session
PRAGMA database_list
-- ---
-- category: settings_session
SET VARIABLE leak = (SELECT 42)
-- ---
-- category: settings_session
SELECT getvariable('leak') AS v
-- ---
-- category: settings_session
SELECT current_setting('allowed_paths') AS paths
-- ---
-- category: settings_session
SELECT current_setting('home_directory') AS home
-- ---
-- category: settings_session
SELECT * FROM duckdb_settings()
-- ---
-- category: settings_session
SELECT name, value FROM duckdb_settings WHERE name LIKE '%dir%'
-- ---
-- category: settings_session
USE memory
-- ---
-- category: settings_session
SELECT version() AS v, current_database() AS db
-- ---
-- category: settings_session
SELECT * FROM pragma_version()
-- ---
-- category: extensions
INSTALL httpfs
-- ---
-- category: extensions
LOAD httpfs
-- ---
-- category: extensions
LOAD '{TMP}/evil.duckdb_extension'
-- ---
-- category: extensions
FORCE INSTALL httpfs FROM community
-- ---
-- category: extensions
SELECT * FROM duckdb_extensions()
-- ---
-- category: extensions
UPDATE EXTENSIONS
-- ---
-- category: attach_detach
ATTACH '{TMP}/new.duckdb' AS x
-- ---
-- category: attach_detach
ATTACH ':memory:' AS scratch
-- ---
-- category: attach_detach
ATTACH '{TMP}/x.sqlite' AS s (TYPE sqlite)
-- ---
-- category: attach_detach
DETACH DATABASE attack
-- ---
-- category: attach_detach
SELECT * FROM memory.main.orders
-- ---
-- category: attach_detach
SELECT * FROM attack.main.orders
-- ---
-- category: attach_detach
CREATE SECRET s3secret (TYPE s3, KEY_ID 'x', SECRET 'y')
-- ---
-- category: attach_detach
SELECT * FROM duckdb_secrets()
-- ---
-- category: temp_objects
CREATE TEMP TABLE t AS SELECT 1 AS x
-- ---
-- category: temp_objects
CREATE OR REPLACE TEMP VIEW orders AS SELECT 42 AS fake
-- ---
-- category: temp_objects
CREATE TEMP MACRO twice(x) AS x * 2
-- ---
-- category: temp_objects
CREATE MACRO tokens() AS TABLE SELECT * FROM internal_tokens
-- ---
-- category: temp_objects
CREATE TEMP SEQUENCE s
-- ---
-- category: transactions_maintenance
BEGIN TRANSACTION
-- ---
-- category: transactions_maintenance
COMMIT
-- ---
-- category: transactions_maintenance
ROLLBACK
-- ---
-- category: transactions_maintenance
ABORT
-- ---
-- category: transactions_maintenance
CHECKPOINT
-- ---
-- category: transactions_maintenance
FORCE CHECKPOINT
-- ---
-- category: transactions_maintenance
VACUUM
-- ---
-- category: transactions_maintenance
VACUUM ANALYZE orders
-- ---
-- category: transactions_maintenance
ANALYZE
-- ---
-- category: locks
SELECT * FROM orders FOR UPDATE
-- ---
-- category: locks
SELECT * FROM orders FOR SHARE NOWAIT
-- ---
-- category: sleeps
SELECT sleep_ms(600000) AS zzz
-- ---
-- category: sleeps
SELECT pg_sleep(600) AS zzz
-- ---
-- category: sleeps
SELECT levenshtein(repeat('a', 20), repeat('b', 20)) AS d
-- ---
-- category: sleeps
SELECT damerau_levenshtein(repeat('a', 20), 'b') AS d, editdist3('a', 'b') AS e
-- ---
-- category: sleeps
SELECT jaro_similarity('a', repeat('b', 20)) AS j, jaro_winkler_similarity('a', 'b') AS w
-- ---
-- category: sequences
SELECT nextval('seq_pwned') AS n
-- ---
-- category: sequences
SELECT currval('seq_pwned') AS n
-- ---
-- category: system_catalog
SELECT * FROM information_schema.tables
-- ---
-- category: system_catalog
SELECT column_name FROM information_schema.columns WHERE table_name = 'internal_tokens'
-- ---
-- category: system_catalog
SELECT * FROM duckdb_tables()
-- ---
-- category: system_catalog
SELECT * FROM duckdb_tables
-- ---
-- category: system_catalog
SELECT * FROM duckdb_columns()
-- ---
-- category: system_catalog
SELECT path FROM duckdb_databases()
-- ---
-- category: system_catalog
SELECT * FROM pragma_database_list
-- ---
-- category: system_catalog
SELECT * FROM pragma_table_info('internal_tokens')
-- ---
-- category: system_catalog
SELECT * FROM sqlite_master
-- ---
-- category: system_catalog
SELECT * FROM pg_catalog.pg_tables
-- ---
-- category: system_catalog
SELECT * FROM pg_tables
-- ---
-- category: system_catalog
SELECT * FROM system.main.duckdb_tables
-- ---
-- category: system_catalog
SELECT * FROM duckdb_functions()
-- ---
-- category: system_catalog
SELECT * FROM duckdb_temporary_files()
-- ---
-- category: system_catalog
SHOW TABLES
-- ---
-- category: system_catalog
SHOW ALL TABLES
-- ---
-- category: system_catalog
DESCRIBE internal_tokens
-- ---
-- category: system_catalog
SUMMARIZE orders
-- ---
-- category: system_catalog
SELECT * FROM (DESCRIBE internal_tokens)
-- ---
-- category: system_catalog
SELECT * FROM (SUMMARIZE internal_tokens)
-- ---
-- category: system_catalog
SELECT * FROM (SHOW TABLES)
-- ---
-- category: system_catalog
SELECT * FROM (FROM duckdb_tables())
-- ---
-- category: excluded_table
SELECT * FROM internal_tokens
-- ---
-- category: excluded_table
SELECT token FROM INTERNAL_TOKENS
-- ---
-- category: excluded_table
SELECT token FROM "Internal_Tokens"
-- ---
-- category: excluded_table
SELECT token FROM main.internal_tokens
-- ---
-- category: excluded_table
SELECT token FROM "main"."INTERNAL_TOKENS"
-- ---
-- category: excluded_table
SELECT token FROM attack.main.internal_tokens
-- ---
-- category: excluded_table
SELECT token FROM main . internal_tokens
-- ---
-- category: excluded_table
WITH internal_tokens AS (SELECT 1 AS x) SELECT * FROM main.internal_tokens
-- ---
-- category: excluded_table
WITH c AS (SELECT * FROM internal_tokens) SELECT * FROM c
-- ---
-- category: excluded_table
WITH orders AS (SELECT * FROM internal_tokens) SELECT * FROM orders
-- ---
-- category: excluded_table
SELECT * FROM (WITH internal_tokens AS (SELECT 1 AS x) SELECT * FROM internal_tokens) t, internal_tokens
-- ---
-- category: excluded_table
WITH RECURSIVE internal_tokens AS (SELECT * FROM internal_tokens UNION ALL SELECT 'x', 'y' WHERE false) SELECT * FROM internal_tokens
-- ---
-- category: excluded_table
WITH RECURSIVE x AS (SELECT * FROM internal_tokens), internal_tokens AS (SELECT 1) SELECT * FROM x
-- ---
-- category: excluded_table
SELECT (SELECT token FROM internal_tokens LIMIT 1) AS t
-- ---
-- category: excluded_table
SELECT r.region_name, x.token FROM regions r, LATERAL (SELECT token FROM internal_tokens) x
-- ---
-- category: excluded_table
SELECT region_name FROM regions UNION ALL SELECT token FROM internal_tokens
-- ---
-- category: excluded_table
SELECT 1 AS x WHERE EXISTS (SELECT 1 FROM internal_tokens WHERE token LIKE 'sk-%')
-- ---
-- category: excluded_table
SELECT region_name FROM regions WHERE region_name IN (SELECT owner FROM internal_tokens)
-- ---
-- category: excluded_table
SELECT * FROM orders o JOIN internal_tokens t ON true
-- ---
-- category: excluded_table
SELECT * FROM orders POSITIONAL JOIN internal_tokens
-- ---
-- category: excluded_table
SELECT internal_tokens FROM internal_tokens
-- ---
-- category: excluded_table
SELECT * FROM internal_tokens AS orders
-- ---
-- category: excluded_table
SELECT * FROM range((SELECT count(*) FROM internal_tokens))
-- ---
-- category: excluded_table
SELECT * FROM unnest((SELECT list(token) FROM internal_tokens))
-- ---
-- category: excluded_table
SELECT * FROM internal_tokens PIVOT (count(*) FOR owner IN ('ops'))
-- ---
-- category: excluded_table
FROM internal_tokens SELECT token
-- ---
-- category: excluded_table
SELECT * FROM (FROM internal_tokens)
-- ---
-- category: excluded_table
VALUES ((SELECT token FROM internal_tokens))
-- ---
-- category: excluded_table
SELECT * FROM (VALUES (1)) t(x), LATERAL (SELECT token FROM internal_tokens)
-- ---
-- category: hidden_column
SELECT email FROM customers
-- ---
-- category: hidden_column
SELECT c.email FROM customers c
-- ---
-- category: hidden_column
SELECT "EMAIL" FROM customers
-- ---
-- category: hidden_column
SELECT customers.email FROM main.customers
-- ---
-- category: hidden_column
SELECT count(*) FROM customers WHERE email LIKE '%@example.org'
-- ---
-- category: hidden_column
SELECT first_name FROM customers ORDER BY email
-- ---
-- category: hidden_column
SELECT first_name FROM customers GROUP BY ALL HAVING max(length(email)) > 3
-- ---
-- category: hidden_column
SELECT (SELECT max(email) FROM customers) AS m
-- ---
-- category: hidden_column
SELECT * FROM customers
-- ---
-- category: hidden_column
FROM customers
-- ---
-- category: hidden_column
SELECT c.* FROM customers c
-- ---
-- category: hidden_column
SELECT * EXCLUDE (customer_id) FROM customers
-- ---
-- category: hidden_column
SELECT * REPLACE (1 AS customer_id) FROM customers
-- ---
-- category: hidden_column
SELECT COLUMNS(*) FROM customers
-- ---
-- category: hidden_column
SELECT COLUMNS('e.*') FROM customers
-- ---
-- category: hidden_column
SELECT COLUMNS(lambda c: c LIKE '%mail%') FROM customers
-- ---
-- category: hidden_column
SELECT c FROM customers c
-- ---
-- category: hidden_column
SELECT customers FROM customers
-- ---
-- category: hidden_column
SELECT main.customers FROM main.customers
-- ---
-- category: hidden_column
SELECT to_json(c) AS j FROM customers c
-- ---
-- category: hidden_column
SELECT struct_extract(c, 'email') AS e FROM customers c
-- ---
-- category: hidden_column
SELECT #5 FROM customers
-- ---
-- category: hidden_column
SELECT x5 FROM customers AS c(x1, x2, x3, x4, x5)
-- ---
-- category: hidden_column
SELECT c.first_name FROM customers c JOIN salespeople s USING (email)
-- ---
-- category: hidden_column
SELECT c.first_name FROM customers c NATURAL JOIN salespeople s
-- ---
-- category: hidden_column
WITH x AS (SELECT * FROM customers) SELECT * FROM x
-- ---
-- category: hidden_column
SELECT * FROM customers PIVOT (count(*) FOR segment IN ('consumer'))
-- ---
-- category: hidden_column
SELECT * FROM customers UNPIVOT (v FOR k IN (first_name, email))
-- ---
-- category: unicode
SELECT region_name FROM regions UNION ALL SELECT token{U+200B}FROM internal_tokens
-- ---
-- category: unicode
SELECT region_name FROM regions UNION ALL SELECT token{U+FEFF}FROM internal_tokens
-- ---
-- category: unicode
{U+FEFF}SELECT token FROM internal_tokens
-- ---
-- category: unicode
SELECT token{U+00A0}FROM internal_tokens
-- ---
-- category: unicode
SELECT region_name FROM regions{U+2028}UNION ALL SELECT token FROM internal_tokens
-- ---
-- category: unicode
SELECT region_name AS r{U+202E}FROM internal_tokens
-- ---
-- category: unicode
SELECT 1 AS x{U+FF1B} DROP TABLE orders
-- ---
-- category: unicode
SELECT * FROM {U+0456}nternal_tokens
-- ---
-- category: unicode
SELECT * FROM internal{U+200D}_tokens
-- ---
-- category: unicode
SELECT 1 AS x{U+0000}; DROP TABLE orders
-- ---
-- category: unicode
SELECT region_name FROM regions{U+000B}UNION ALL SELECT token FROM internal_tokens
-- ---
-- category: unicode
SELECT region_name FROM regions{U+3000}UNION ALL SELECT token FROM internal_tokens
-- ---
-- category: comments
/* SELECT */ DELETE FROM orders
-- ---
-- category: comments
-- looks like a comment only
DELETE FROM orders
-- ---
-- category: comments
SELECT 1 AS x /* ; */ ; DELETE FROM orders
-- ---
-- category: comments
SELECT 1 AS x /* nested /* */ , token FROM internal_tokens */ , 2 AS y FROM internal_tokens
-- ---
-- category: comments
SELECT '*/' AS a /* ' */ , token FROM internal_tokens
-- ---
-- category: comments
SELECT 1 AS x -- c{U+000D}UNION ALL SELECT token FROM internal_tokens
-- ---
-- category: comments
SELECT token FROM internal_tokens -- FROM regions
-- ---
-- category: comments
SELECT 1 AS x /* unterminated
-- ---
-- category: multiple_statements
SELECT 1; SELECT 2
-- ---
-- category: multiple_statements
SELECT 1; DROP TABLE orders
-- ---
-- category: multiple_statements
SELECT 1;DELETE FROM orders;
-- ---
-- category: multiple_statements
SELECT 'a;' AS x; DELETE FROM orders
-- ---
-- category: multiple_statements
SELECT 1 \; DELETE FROM orders
-- ---
-- category: multiple_statements
SELECT 1; ATTACH '{TMP}/y.duckdb' AS y
-- ---
-- category: data_modifying_cte
WITH d AS (DELETE FROM orders RETURNING *) SELECT count(*) FROM d
-- ---
-- category: data_modifying_cte
WITH u AS (UPDATE products SET unit_price = 0 RETURNING *) SELECT * FROM u
-- ---
-- category: data_modifying_cte
WITH i AS (INSERT INTO regions VALUES (99, 'x') RETURNING *) SELECT * FROM i
-- ---
-- category: select_into
SELECT * INTO new_orders FROM orders
-- ---
-- category: select_into
SELECT * INTO TEMP t FROM orders
-- ---
-- category: prepared_statements
PREPARE p AS SELECT * FROM internal_tokens
-- ---
-- category: prepared_statements
EXECUTE p
-- ---
-- category: prepared_statements
DEALLOCATE p
-- ---
-- category: explain
EXPLAIN SELECT 1
-- ---
-- category: explain
EXPLAIN ANALYZE SELECT * FROM internal_tokens
-- ---
-- category: explain
EXPLAIN ANALYZE DELETE FROM orders
-- ---
-- category: statement_forms
PIVOT orders ON channel USING count(*)
-- ---
-- category: statement_forms
CALL pragma_database_size()
-- ---
-- category: statement_forms
SELECT * FROM histogram_values(orders, channel)
-- ---
-- category: qualified_call
SELECT main.upper(first_name) AS u FROM customers
-- ---
-- category: qualified_call
SELECT first_name.upper() AS u FROM customers
-- ---
-- category: qualified_call
SELECT system.main.lower('X') AS l
-- ---
-- category: unicode
SELECT e'\xe2\x80\xae' AS x
-- ---
-- category: unicode
SELECT e'\x0b' AS x
-- ---
-- category: unicode
SELECT order_id FROM orders WHERE channel = e'online\xe2\x80\x8b'
-- ---
-- category: unicode
SELECT e'\342\200\256' || first_name AS x FROM customers
-- ---
-- category: excluded_table
PIVOT internal_tokens ON owner IN ('ops') USING count(*)
-- ---
-- category: excluded_table
UNPIVOT internal_tokens ON token, owner INTO NAME k VALUE v
-- ---
-- category: excluded_table
VALUES ((SELECT max(token) FROM internal_tokens))
-- ---
-- category: excluded_table
SELECT internal_tokens.token FROM (SELECT first_name FROM customers) AS internal_tokens
-- ---
-- category: excluded_table
SELECT * FROM (SELECT * FROM internal_tokens) AS customers
-- ---
-- category: hidden_column
PIVOT customers ON segment IN ('consumer') USING count(*)
-- ---
-- category: hidden_column
PIVOT customers ON segment IN ('consumer') USING max(email) GROUP BY country
-- ---
-- category: hidden_column
UNPIVOT customers ON first_name, last_name INTO NAME k VALUE v
-- ---
-- category: hidden_column
SELECT TRY(email) AS e FROM customers
-- ---
-- category: hidden_column
VALUES ((SELECT max(email) FROM customers))
-- ---
-- category: hidden_column
SELECT (c).* FROM customers c
-- ---
-- category: hidden_column
SELECT (c).email FROM customers c
-- ---
-- category: hidden_column
SELECT struct_extract(c, 'email') AS e FROM customers c
-- ---
-- category: hidden_column
SELECT (c).first_name, c FROM customers c
