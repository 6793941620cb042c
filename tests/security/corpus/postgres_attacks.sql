-- Must-block SQL for PostgreSQL: every entry must be rejected by the guard (with the server's
-- DECLARE cross-check), and executing it directly as the read-only role must change nothing.
-- Run against the test fixture database (tests/pg_env.py) plus a table internal_tokens the
-- role may SELECT but that is excluded, and a column customers.email that is excluded.
--
-- Format: entries are separated by a line holding exactly `-- ---`; each entry starts with a
-- `-- category: NAME` line, and the rest is the statement, verbatim (it may contain `;` and
-- comments). `{TMP}` is replaced by a throwaway directory, and `{U+XXXX}` by that character.
-- ---
-- category: writes_ddl
DELETE FROM orders
-- ---
-- category: writes_ddl
UPDATE products SET price = 0
-- ---
-- category: writes_ddl
INSERT INTO audit_log (note) VALUES ('pwned')
-- ---
-- category: writes_ddl
DROP TABLE orders
-- ---
-- category: writes_ddl
CREATE TABLE copy_of_orders AS SELECT * FROM orders
-- ---
-- category: writes_ddl
ALTER TABLE orders ADD COLUMN pwned int
-- ---
-- category: writes_ddl
TRUNCATE orders
-- ---
-- category: writes_ddl
CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'
-- ---
-- category: writes_ddl
GRANT SELECT ON orders TO PUBLIC
-- ---
-- category: writes_ddl
COMMENT ON TABLE orders IS 'pwned'
-- ---
-- category: writes_ddl
ALTER ROLE CURRENT_USER SET default_transaction_read_only = off
-- ---
-- category: writes_ddl
MERGE INTO products p USING products s ON p.product_id = s.product_id WHEN MATCHED THEN DELETE
-- ---
-- category: writes_ddl
SELECT sneaky_write() AS id
-- ---
-- category: writes_ddl
SELECT public.sneaky_write() AS id
-- ---
-- category: writes_ddl
REFRESH MATERIALIZED VIEW order_totals
-- ---
-- category: file_read
SELECT pg_read_file('/etc/passwd') AS f
-- ---
-- category: file_read
SELECT pg_catalog.pg_read_file('/etc/passwd') AS f
-- ---
-- category: file_read
SELECT "pg_read_file"('/etc/passwd') AS f
-- ---
-- category: file_read
SELECT * FROM pg_read_file('/etc/passwd') AS t(f)
-- ---
-- category: file_read
SELECT pg_read_binary_file('/etc/passwd') AS f
-- ---
-- category: file_read
SELECT * FROM pg_ls_dir('.') AS t(f)
-- ---
-- category: file_read
SELECT pg_stat_file('/etc/passwd') AS s
-- ---
-- category: file_read
SELECT lo_import('/etc/passwd') AS oid
-- ---
-- category: file_read
COPY orders FROM '/etc/passwd'
-- ---
-- category: file_write
SELECT lo_export(1, '{TMP}/exported') AS ok
-- ---
-- category: file_write
COPY orders TO '{TMP}/orders.csv'
-- ---
-- category: file_write
COPY (SELECT 1) TO PROGRAM 'touch {TMP}/pwned'
-- ---
-- category: file_write
SELECT pg_file_write('{TMP}/written', 'x', false) AS n
-- ---
-- category: copy_stdout
COPY orders TO STDOUT
-- ---
-- category: copy_stdout
COPY (SELECT * FROM internal_tokens) TO STDOUT WITH (FORMAT csv)
-- ---
-- category: sql_in_string
SELECT query_to_xml('SELECT * FROM internal_tokens', true, true, '') AS x
-- ---
-- category: sql_in_string
SELECT table_to_xml('internal_tokens', true, true, '') AS x
-- ---
-- category: sql_in_string
SELECT database_to_xml(true, true, '') AS x
-- ---
-- category: sql_in_string
SELECT * FROM dblink('dbname=postgres user=postgres', 'DELETE FROM orders') AS t(x text)
-- ---
-- category: sql_in_string
SELECT dblink_exec('dbname=postgres', 'DROP TABLE orders') AS r
-- ---
-- category: sql_in_string
DO $$ BEGIN EXECUTE 'DELETE FROM orders'; END $$
-- ---
-- category: sql_in_string
SELECT query_to_xml_and_xmlschema('SELECT 1', true, true, '') AS x
-- ---
-- category: settings_session
SET statement_timeout = 0
-- ---
-- category: settings_session
SET TRANSACTION READ WRITE
-- ---
-- category: settings_session
SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE
-- ---
-- category: settings_session
RESET ALL
-- ---
-- category: settings_session
SET ROLE postgres
-- ---
-- category: settings_session
SET search_path = pg_temp, public
-- ---
-- category: settings_session
SELECT set_config('default_transaction_read_only', 'off', false) AS s
-- ---
-- category: settings_session
SELECT pg_catalog.set_config('statement_timeout', '0', false) AS s
-- ---
-- category: settings_session
SELECT current_setting('data_directory') AS d
-- ---
-- category: settings_session
SHOW ALL
-- ---
-- category: settings_session
SELECT name, setting FROM pg_settings
-- ---
-- category: settings_session
SELECT pg_reload_conf() AS r
-- ---
-- category: settings_session
ALTER SYSTEM SET work_mem = '1GB'
-- ---
-- category: settings_session
DISCARD ALL
-- ---
-- category: settings_session
SELECT current_user AS u, version() AS v
-- ---
-- category: settings_session
SELECT inet_server_addr() AS a, pg_backend_pid() AS p
-- ---
-- category: extensions
CREATE EXTENSION dblink
-- ---
-- category: extensions
LOAD 'auto_explain'
-- ---
-- category: extensions
SELECT * FROM pg_available_extensions
-- ---
-- category: attach_detach
CREATE SERVER other FOREIGN DATA WRAPPER postgres_fdw
-- ---
-- category: attach_detach
SELECT * FROM other_db.public.orders
-- ---
-- category: temp_objects
CREATE TEMP TABLE t (x int)
-- ---
-- category: temp_objects
CREATE TEMP VIEW orders AS SELECT 42 AS fake
-- ---
-- category: temp_objects
CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql AS 'SELECT 1'
-- ---
-- category: transactions_maintenance
BEGIN
-- ---
-- category: transactions_maintenance
COMMIT
-- ---
-- category: transactions_maintenance
ROLLBACK
-- ---
-- category: transactions_maintenance
START TRANSACTION READ WRITE
-- ---
-- category: transactions_maintenance
SAVEPOINT s
-- ---
-- category: transactions_maintenance
PREPARE TRANSACTION 'x'
-- ---
-- category: transactions_maintenance
CHECKPOINT
-- ---
-- category: transactions_maintenance
VACUUM
-- ---
-- category: transactions_maintenance
ANALYZE orders
-- ---
-- category: locks
SELECT * FROM orders FOR UPDATE
-- ---
-- category: locks
SELECT * FROM orders FOR SHARE
-- ---
-- category: locks
SELECT * FROM orders FOR NO KEY UPDATE SKIP LOCKED
-- ---
-- category: locks
LOCK TABLE orders IN ACCESS EXCLUSIVE MODE
-- ---
-- category: locks
SELECT pg_advisory_lock(42) AS l
-- ---
-- category: locks
SELECT pg_try_advisory_lock(42) AS l
-- ---
-- category: locks
SELECT pg_advisory_xact_lock(42) AS l
-- ---
-- category: sleeps
SELECT pg_sleep(600) AS zzz
-- ---
-- category: sleeps
SELECT pg_catalog.pg_sleep(600) AS zzz
-- ---
-- category: sleeps
SELECT pg_sleep_for('10 minutes') AS zzz
-- ---
-- category: sleeps
SELECT pg_sleep_until(now() + interval '10 minutes') AS zzz
-- ---
-- category: signals
SELECT pg_terminate_backend(pg_backend_pid()) AS t
-- ---
-- category: signals
SELECT pg_cancel_backend(pid) FROM pg_stat_activity
-- ---
-- category: sequences
SELECT nextval('audit_log_id_seq') AS n
-- ---
-- category: sequences
SELECT setval('audit_log_id_seq', 1000) AS n
-- ---
-- category: sequences
SELECT currval('audit_log_id_seq') AS n
-- ---
-- category: sequences
SELECT lastval() AS n
-- ---
-- category: large_objects
SELECT lo_create(0) AS oid
-- ---
-- category: large_objects
SELECT lo_from_bytea(0, 'payload') AS oid
-- ---
-- category: large_objects
SELECT lo_put(1, 0, 'x') AS r
-- ---
-- category: large_objects
SELECT lo_unlink(1) AS r
-- ---
-- category: large_objects
SELECT * FROM pg_largeobject
-- ---
-- category: notify
LISTEN ch
-- ---
-- category: notify
NOTIFY ch, 'x'
-- ---
-- category: notify
SELECT pg_notify('ch', 'x') AS n
-- ---
-- category: system_catalog
SELECT * FROM information_schema.tables
-- ---
-- category: system_catalog
SELECT column_name FROM information_schema.columns WHERE table_name = 'internal_tokens'
-- ---
-- category: system_catalog
SELECT * FROM pg_catalog.pg_class
-- ---
-- category: system_catalog
SELECT relname FROM pg_class
-- ---
-- category: system_catalog
SELECT * FROM pg_stat_activity
-- ---
-- category: system_catalog
SELECT * FROM pg_catalog.pg_authid
-- ---
-- category: system_catalog
SELECT * FROM pg_shadow
-- ---
-- category: system_catalog
SELECT * FROM pg_roles
-- ---
-- category: system_catalog
SELECT 'internal_tokens'::regclass AS r
-- ---
-- category: system_catalog
SELECT CAST('pg_sleep' AS regproc) AS r
-- ---
-- category: system_catalog
SELECT to_regclass('internal_tokens') AS r
-- ---
-- category: system_catalog
SELECT pg_get_viewdef('order_totals') AS d
-- ---
-- category: system_catalog
SELECT has_table_privilege('internal_tokens', 'SELECT') AS p
-- ---
-- category: system_catalog
SELECT txid_current() AS x
-- ---
-- category: system_catalog
SELECT * FROM pg_stats WHERE tablename = 'internal_tokens'
-- ---
-- category: excluded_table
SELECT * FROM internal_tokens
-- ---
-- category: excluded_table
SELECT token FROM INTERNAL_TOKENS
-- ---
-- category: excluded_table
SELECT token FROM "internal_tokens"
-- ---
-- category: excluded_table
SELECT token FROM public.internal_tokens
-- ---
-- category: excluded_table
SELECT token FROM "public"."internal_tokens"
-- ---
-- category: excluded_table
SELECT token FROM public . internal_tokens
-- ---
-- category: excluded_table
SELECT token FROM ONLY internal_tokens
-- ---
-- category: excluded_table
SELECT token FROM internal_tokens*
-- ---
-- category: excluded_table
SELECT token FROM internal_tokens TABLESAMPLE SYSTEM (100)
-- ---
-- category: excluded_table
TABLE internal_tokens
-- ---
-- category: excluded_table
SELECT t FROM internal_tokens t
-- ---
-- category: excluded_table
SELECT * FROM U&"\0069nternal_tokens"
-- ---
-- category: excluded_table
WITH internal_tokens AS (SELECT 1 AS x) SELECT * FROM public.internal_tokens
-- ---
-- category: excluded_table
WITH c AS (SELECT * FROM internal_tokens) SELECT * FROM c
-- ---
-- category: excluded_table
WITH orders AS (SELECT * FROM internal_tokens) SELECT * FROM orders
-- ---
-- category: excluded_table
WITH x AS MATERIALIZED (SELECT token FROM internal_tokens) SELECT * FROM x
-- ---
-- category: excluded_table
SELECT * FROM (WITH internal_tokens AS (SELECT 1 AS x) SELECT * FROM internal_tokens) t, internal_tokens
-- ---
-- category: excluded_table
WITH RECURSIVE internal_tokens AS (SELECT * FROM internal_tokens UNION ALL SELECT 'x', 'y' WHERE false) SELECT * FROM internal_tokens
-- ---
-- category: excluded_table
SELECT (SELECT token FROM internal_tokens LIMIT 1) AS t
-- ---
-- category: excluded_table
SELECT c.name, x.token FROM customers c, LATERAL (SELECT token FROM internal_tokens) x
-- ---
-- category: excluded_table
SELECT c.name, x.token FROM customers c CROSS JOIN LATERAL (SELECT token FROM internal_tokens) x
-- ---
-- category: excluded_table
SELECT name FROM customers UNION ALL SELECT token FROM internal_tokens
-- ---
-- category: excluded_table
SELECT 1 AS x WHERE EXISTS (SELECT 1 FROM internal_tokens WHERE token LIKE 'sk-%')
-- ---
-- category: excluded_table
SELECT * FROM orders o JOIN internal_tokens t ON true
-- ---
-- category: excluded_table
SELECT * FROM generate_series(1, (SELECT count(*) FROM internal_tokens)) AS g
-- ---
-- category: excluded_table
SELECT * FROM ROWS FROM (generate_series(1, 2)) AS g, internal_tokens
-- ---
-- category: excluded_table
VALUES ((SELECT token FROM internal_tokens))
-- ---
-- category: hidden_column
SELECT email FROM customers
-- ---
-- category: hidden_column
SELECT c.email FROM customers c
-- ---
-- category: hidden_column
SELECT "email" FROM customers
-- ---
-- category: hidden_column
SELECT count(*) FROM customers WHERE email LIKE 'c1%'
-- ---
-- category: hidden_column
SELECT name FROM customers ORDER BY email
-- ---
-- category: hidden_column
SELECT * FROM customers
-- ---
-- category: hidden_column
SELECT c.* FROM customers c
-- ---
-- category: hidden_column
TABLE customers
-- ---
-- category: hidden_column
SELECT c FROM customers c
-- ---
-- category: hidden_column
SELECT customers FROM customers
-- ---
-- category: hidden_column
SELECT (c).email FROM customers c
-- ---
-- category: hidden_column
SELECT (c).* FROM customers c
-- ---
-- category: hidden_column
SELECT email(c) FROM customers c
-- ---
-- category: hidden_column
SELECT row_to_json(c) AS j FROM customers c
-- ---
-- category: hidden_column
SELECT to_jsonb(customers) AS j FROM customers
-- ---
-- category: hidden_column
SELECT json_agg(c) AS j FROM customers c
-- ---
-- category: hidden_column
SELECT c::text AS t FROM customers c
-- ---
-- category: hidden_column
SELECT ROW(c.*) AS r FROM customers c
-- ---
-- category: hidden_column
SELECT count(c.*) AS n FROM customers c
-- ---
-- category: hidden_column
SELECT x5 FROM customers AS c(x1, x2, x3, x4, x5)
-- ---
-- category: hidden_column
SELECT count(*) FROM customers a JOIN customers b USING (email)
-- ---
-- category: hidden_column
SELECT a.name FROM customers a NATURAL JOIN customers b
-- ---
-- category: hidden_column
SELECT jsonb_build_object('e', c.email) AS j FROM customers c
-- ---
-- category: hidden_column
WITH x AS (SELECT * FROM customers) SELECT * FROM x
-- ---
-- category: unicode
SELECT name FROM customers UNION ALL SELECT token{U+200B}FROM internal_tokens
-- ---
-- category: unicode
{U+FEFF}SELECT token FROM internal_tokens
-- ---
-- category: unicode
SELECT token{U+00A0}FROM internal_tokens
-- ---
-- category: unicode
SELECT name AS n{U+202E}FROM internal_tokens
-- ---
-- category: unicode
SELECT 1 AS x{U+FF1B} DROP TABLE orders
-- ---
-- category: unicode
SELECT * FROM {U+0456}nternal_tokens
-- ---
-- category: unicode
SELECT 1 AS x{U+0000}; DROP TABLE orders
-- ---
-- category: comments
/* SELECT */ DELETE FROM orders
-- ---
-- category: comments
-- harmless
COMMIT; DELETE FROM orders
-- ---
-- category: comments
SELECT 1 AS x /* /* */ ; DELETE FROM orders; /* */
-- ---
-- category: comments
SELECT 1 AS x /* nested /* */ , token FROM internal_tokens */ , 2 AS y FROM internal_tokens
-- ---
-- category: comments
SELECT '*/' AS a /* ' */ , token FROM internal_tokens
-- ---
-- category: comments
SELECT 1 AS x /* unterminated
-- ---
-- category: multiple_statements
SELECT 1; SELECT 2
-- ---
-- category: multiple_statements
COMMIT; DROP SCHEMA public CASCADE
-- ---
-- category: multiple_statements
SELECT 1 \; DELETE FROM orders
-- ---
-- category: multiple_statements
SET TRANSACTION READ WRITE; DELETE FROM audit_log
-- ---
-- category: multiple_statements
SELECT 'a;' AS x; DELETE FROM orders
-- ---
-- category: multiple_statements
SELECT $$;$$ AS x; DELETE FROM orders
-- ---
-- category: multiple_statements
SELECT '\'; DELETE FROM orders; --' AS x
-- ---
-- category: data_modifying_cte
WITH d AS (DELETE FROM audit_log RETURNING *) SELECT * FROM d
-- ---
-- category: data_modifying_cte
WITH i AS (INSERT INTO audit_log (note) VALUES ('x') RETURNING *) SELECT * FROM i
-- ---
-- category: data_modifying_cte
WITH u AS (UPDATE products SET price = 0 RETURNING *) SELECT count(*) FROM u
-- ---
-- category: select_into
SELECT * INTO copy_of_orders FROM orders
-- ---
-- category: select_into
SELECT * INTO TEMP t FROM orders
-- ---
-- category: select_into
SELECT * INTO UNLOGGED t FROM orders
-- ---
-- category: prepared_statements
PREPARE p AS SELECT * FROM internal_tokens
-- ---
-- category: prepared_statements
EXECUTE p
-- ---
-- category: prepared_statements
DEALLOCATE ALL
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
-- category: qualified_call
SELECT public.upper(name) AS u FROM customers
-- ---
-- category: qualified_call
SELECT pg_catalog.upper(name) AS u FROM customers
-- ---
-- category: qualified_call
SELECT ops.lower(name) AS l FROM customers
-- ---
-- category: qualified_call
SELECT 'a' OPERATOR(pg_catalog.||) 'b' AS x
-- ---
-- category: hidden_column
SELECT (NULL::customers).email AS e
-- ---
-- category: excluded_table
SELECT (NULL::public.internal_tokens).token AS t
-- ---
-- category: unicode
SELECT E'\u202e' AS x
-- ---
-- category: unicode
SELECT E'\342\200\256' || name AS x FROM customers
-- ---
-- category: unicode
SELECT E'\x0b' AS x
-- ---
-- category: unicode
SELECT name FROM customers WHERE name = E'customer 1\u200b'
-- ---
-- category: unicode
SELECT E'\U0000202E' AS x
-- ---
-- category: hidden_column
SELECT (c).email FROM customers c
-- ---
-- category: hidden_column
SELECT (c).* FROM customers c
-- ---
-- category: hidden_column
SELECT row_to_json(c) FROM customers c
-- ---
-- category: hidden_column
SELECT row_to_json(ROW(c)) FROM customers c
-- ---
-- category: hidden_column
SELECT row_to_json(ROW(c.*)) FROM customers c
-- ---
-- category: hidden_column
SELECT row_to_json(ROW(c.name, c.email)) FROM customers c
-- ---
-- category: hidden_column
VALUES ((SELECT max(email) FROM customers))
-- ---
-- category: excluded_table
VALUES ((SELECT max(token) FROM internal_tokens))
-- ---
-- category: excluded_table
SELECT internal_tokens.token FROM (SELECT name FROM customers) AS internal_tokens
-- ---
-- category: excluded_table
SELECT * FROM (SELECT * FROM internal_tokens) AS customers
