-- Must-block SQL for SQLite: every entry must be rejected by the guard (with the engine
-- cross-check), executing it on the hardened connection without the guard must change nothing
-- and show nothing excluded, and each is also run on a plain `mode=ro` + `query_only` sqlite3
-- connection to a throwaway copy, to show what the engine alone lets through. Run against the
-- sample database ported to SQLite (tests/sqlite_sample.py) that also holds the excluded table
-- internal_tokens, with the column customers.email excluded.
--
-- Format: entries are separated by a line holding exactly `-- ---`; each entry starts with a
-- `-- category: NAME` line, and the rest is the statement, verbatim (it may contain `;` and
-- comments). `{TMP}` is replaced by a throwaway directory, and `{U+XXXX}` by that character.
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
REPLACE INTO regions VALUES (1, 'pwned')
-- ---
-- category: writes_ddl
INSERT INTO regions VALUES (1, 'x') ON CONFLICT (region_id) DO UPDATE SET region_name = 'pwned'
-- ---
-- category: writes_ddl
DELETE FROM orders RETURNING *
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
ALTER TABLE orders RENAME TO orders_old
-- ---
-- category: writes_ddl
CREATE VIEW v AS SELECT 1 AS x
-- ---
-- category: writes_ddl
CREATE INDEX i ON orders (channel)
-- ---
-- category: writes_ddl
CREATE TRIGGER t AFTER INSERT ON regions BEGIN DELETE FROM orders; END
-- ---
-- category: writes_ddl
UPDATE OR IGNORE customers SET city = 'x' FROM regions
-- ---
-- category: attach_detach
ATTACH '{TMP}/attached.db' AS a
-- ---
-- category: attach_detach
ATTACH DATABASE 'file:{TMP}/uri.db?mode=rwc' AS b
-- ---
-- category: attach_detach
ATTACH ':memory:' AS m
-- ---
-- category: attach_detach
ATTACH '' AS tmpdb
-- ---
-- category: attach_detach
DETACH main
-- ---
-- category: attach_detach
SELECT 1 AS x; ATTACH '{TMP}/second.db' AS c
-- ---
-- category: attach_detach
ATTACH '{TMP}/keyed.db' AS k KEY 'secret'
-- ---
-- category: attach_detach
SELECT * FROM a.sqlite_master
-- ---
-- category: file_write
VACUUM INTO '{TMP}/copy.db'
-- ---
-- category: file_write
VACUUM main INTO 'file:{TMP}/copy2.db'
-- ---
-- category: file_write
SELECT writefile('{TMP}/w.txt', 'pwned')
-- ---
-- category: file_write
SELECT edit('x', 'vi')
-- ---
-- category: file_write
PRAGMA journal_mode = DELETE
-- ---
-- category: file_write
PRAGMA temp_store_directory = '{TMP}'
-- ---
-- category: file_write
PRAGMA wal_checkpoint(TRUNCATE)
-- ---
-- category: file_read
SELECT readfile('/etc/passwd')
-- ---
-- category: file_read
SELECT * FROM fsdir('/etc')
-- ---
-- category: file_read
SELECT * FROM zipfile('/tmp/x.zip')
-- ---
-- category: file_read
CREATE VIRTUAL TABLE f USING csv(filename = '/etc/passwd')
-- ---
-- category: file_read
SELECT load_extension('/etc/passwd')
-- ---
-- category: file_read
SELECT * FROM sqlite_dbpage
-- ---
-- category: file_read
SELECT data FROM sqlite_dbpage WHERE pgno = 1
-- ---
-- category: file_read
SELECT * FROM dbstat
-- ---
-- category: extensions
SELECT load_extension('mod_spatialite')
-- ---
-- category: extensions
SELECT load_extension('{TMP}/evil.so', 'sqlite3_evil_init')
-- ---
-- category: extensions
SELECT fts3_tokenizer('simple')
-- ---
-- category: extensions
SELECT fts3_tokenizer('simple', X'4141414141414141')
-- ---
-- category: extensions
CREATE VIRTUAL TABLE f USING fts5(a)
-- ---
-- category: extensions
SELECT * FROM pragma_module_list
-- ---
-- category: settings_session
PRAGMA query_only = 0
-- ---
-- category: settings_session
PRAGMA query_only = OFF
-- ---
-- category: settings_session
PRAGMA writable_schema = ON
-- ---
-- category: settings_session
PRAGMA trusted_schema = ON
-- ---
-- category: settings_session
PRAGMA cache_size = -2000000
-- ---
-- category: settings_session
PRAGMA mmap_size = 268435456
-- ---
-- category: settings_session
SELECT * FROM pragma_compile_options
-- ---
-- category: settings_session
SELECT sqlite_version()
-- ---
-- category: settings_session
SELECT sqlite_source_id()
-- ---
-- category: settings_session
SELECT sqlite_compileoption_get(0)
-- ---
-- category: settings_session
SELECT sqlite_compileoption_used('ENABLE_LOAD_EXTENSION')
-- ---
-- category: settings_session
SELECT changes()
-- ---
-- category: settings_session
SELECT last_insert_rowid()
-- ---
-- category: settings_session
SELECT total_changes()
-- ---
-- category: settings_session
SELECT sqlite_offset(order_id) FROM orders
-- ---
-- category: settings_session
SELECT sqlite_log(1, 'x')
-- ---
-- category: transactions_maintenance
BEGIN
-- ---
-- category: transactions_maintenance
BEGIN IMMEDIATE
-- ---
-- category: transactions_maintenance
COMMIT
-- ---
-- category: transactions_maintenance
ROLLBACK
-- ---
-- category: transactions_maintenance
SAVEPOINT s
-- ---
-- category: transactions_maintenance
RELEASE s
-- ---
-- category: transactions_maintenance
ANALYZE
-- ---
-- category: transactions_maintenance
REINDEX
-- ---
-- category: transactions_maintenance
VACUUM
-- ---
-- category: locks
BEGIN EXCLUSIVE
-- ---
-- category: locks
PRAGMA locking_mode = EXCLUSIVE
-- ---
-- category: temp_objects
CREATE TEMP TABLE t AS SELECT * FROM customers
-- ---
-- category: temp_objects
CREATE TEMPORARY VIEW v AS SELECT 1 AS x
-- ---
-- category: temp_objects
CREATE TEMP TRIGGER t AFTER INSERT ON regions BEGIN SELECT 1; END
-- ---
-- category: temp_objects
SELECT * FROM temp.sqlite_master
-- ---
-- category: temp_objects
SELECT * FROM temp.orders
-- ---
-- category: system_catalog
SELECT * FROM sqlite_master
-- ---
-- category: system_catalog
SELECT sql FROM sqlite_schema WHERE name = 'internal_tokens'
-- ---
-- category: system_catalog
SELECT * FROM SQLITE_MASTER
-- ---
-- category: system_catalog
SELECT * FROM "sqlite_master"
-- ---
-- category: system_catalog
SELECT * FROM main.sqlite_master
-- ---
-- category: system_catalog
SELECT * FROM sqlite_temp_master
-- ---
-- category: system_catalog
SELECT * FROM sqlite_temp_schema
-- ---
-- category: system_catalog
SELECT * FROM sqlite_stat1
-- ---
-- category: system_catalog
SELECT * FROM sqlite_sequence
-- ---
-- category: system_catalog
SELECT * FROM pragma_table_info('customers')
-- ---
-- category: system_catalog
SELECT name FROM pragma_table_xinfo('customers')
-- ---
-- category: system_catalog
SELECT * FROM pragma_index_list('customers')
-- ---
-- category: system_catalog
SELECT * FROM pragma_database_list
-- ---
-- category: system_catalog
SELECT * FROM pragma_function_list
-- ---
-- category: system_catalog
SELECT * FROM pragma_foreign_key_list('orders')
-- ---
-- category: system_catalog
PRAGMA table_info(customers)
-- ---
-- category: system_catalog
PRAGMA database_list
-- ---
-- category: system_catalog
SELECT * FROM json_each((SELECT group_concat(sql) FROM sqlite_master))
-- ---
-- category: system_catalog
SELECT (SELECT count(*) FROM sqlite_master) AS n
-- ---
-- category: system_catalog
WITH s AS (SELECT * FROM sqlite_master) SELECT * FROM s
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
SELECT token FROM [internal_tokens]
-- ---
-- category: excluded_table
SELECT token FROM `internal_tokens`
-- ---
-- category: excluded_table
SELECT token FROM main.internal_tokens
-- ---
-- category: excluded_table
SELECT token FROM "main"."INTERNAL_TOKENS"
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
WITH RECURSIVE x(t) AS (SELECT token FROM internal_tokens UNION ALL SELECT t FROM x WHERE 0) SELECT * FROM x
-- ---
-- category: excluded_table
SELECT (SELECT token FROM internal_tokens LIMIT 1) AS t
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
SELECT * FROM orders o JOIN internal_tokens t ON 1 = 1
-- ---
-- category: excluded_table
SELECT * FROM orders, internal_tokens
-- ---
-- category: excluded_table
SELECT * FROM internal_tokens AS orders
-- ---
-- category: excluded_table
SELECT count(*) FROM internal_tokens
-- ---
-- category: excluded_table
SELECT max(rowid) FROM internal_tokens
-- ---
-- category: excluded_table
SELECT token FROM internal_tokens NOT INDEXED
-- ---
-- category: excluded_table
SELECT region_name FROM regions WHERE region_id = 1 AND (SELECT length(token) FROM internal_tokens) > 5
-- ---
-- category: excluded_table
VALUES ((SELECT token FROM internal_tokens))
-- ---
-- category: excluded_table
SELECT * FROM (SELECT * FROM internal_tokens) AS customers
-- ---
-- category: excluded_table
SELECT internal_tokens.token FROM (SELECT first_name FROM customers) AS internal_tokens
-- ---
-- category: excluded_table
SELECT count(*) FROM regions NATURAL JOIN internal_tokens
-- ---
-- category: excluded_table
SELECT r.region_name FROM regions r JOIN (SELECT 1 AS one) x USING (one) JOIN internal_tokens t ON 1 = 1
-- ---
-- category: system_catalog
SELECT count(*) FROM regions NATURAL JOIN sqlite_master
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
SELECT [email] FROM customers
-- ---
-- category: hidden_column
SELECT `email` FROM customers
-- ---
-- category: hidden_column
SELECT customers.email FROM main.customers
-- ---
-- category: hidden_column
SELECT count(*) FROM customers WHERE email LIKE '%@example.%'
-- ---
-- category: hidden_column
SELECT first_name FROM customers ORDER BY email
-- ---
-- category: hidden_column
SELECT first_name FROM customers GROUP BY first_name HAVING max(length(email)) > 3
-- ---
-- category: hidden_column
SELECT (SELECT max(email) FROM customers) AS m
-- ---
-- category: hidden_column
SELECT * FROM customers
-- ---
-- category: hidden_column
SELECT c.* FROM customers c
-- ---
-- category: hidden_column
SELECT customers.* FROM customers
-- ---
-- category: hidden_column
WITH x AS (SELECT * FROM customers) SELECT * FROM x
-- ---
-- category: hidden_column
SELECT * FROM (SELECT * FROM customers)
-- ---
-- category: hidden_column
SELECT c.first_name FROM customers c JOIN salespeople s USING (email)
-- ---
-- category: hidden_column
SELECT c.first_name FROM customers c NATURAL JOIN salespeople s
-- ---
-- category: hidden_column
SELECT json_object('e', email) FROM customers
-- ---
-- category: hidden_column
SELECT instr(email, '@') FROM customers
-- ---
-- category: hidden_column
SELECT count(DISTINCT email) FROM customers
-- ---
-- category: hidden_column
SELECT first_name FROM customers WHERE (first_name, email) = ('a', 'b')
-- ---
-- category: hidden_column
SELECT row_number() OVER (ORDER BY email) FROM customers
-- ---
-- category: hidden_column
SELECT first_name FROM customers WHERE email = 'x'
-- ---
-- category: hidden_column
SELECT group_concat(email) FROM customers
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
SELECT 1 AS x{U+0000}; DROP TABLE orders
-- ---
-- category: unicode
SELECT region_name FROM regions{U+000B}UNION ALL SELECT token FROM internal_tokens
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
SELECT '*/' AS a /* ' */ , token FROM internal_tokens
-- ---
-- category: comments
SELECT 1 AS x -- c
UNION ALL SELECT token FROM internal_tokens
-- ---
-- category: comments
SELECT token FROM internal_tokens -- FROM regions
-- ---
-- category: comments
SELECT 1 AS x /* unterminated
-- ---
-- category: multiple_statements
SELECT 1 AS x; DELETE FROM orders
-- ---
-- category: multiple_statements
SELECT 1 AS x; SELECT token FROM internal_tokens
-- ---
-- category: multiple_statements
SELECT 1 AS x;
PRAGMA query_only = 0;
DELETE FROM orders
-- ---
-- category: multiple_statements
SELECT 1 AS x; ATTACH '{TMP}/multi.db' AS m
-- ---
-- category: data_modifying_cte
WITH x AS (DELETE FROM orders RETURNING *) SELECT * FROM x
-- ---
-- category: data_modifying_cte
WITH x AS (SELECT 1 AS a) DELETE FROM orders
-- ---
-- category: data_modifying_cte
WITH x AS (SELECT 99 AS a, 'x' AS b) INSERT INTO regions SELECT * FROM x
-- ---
-- category: data_modifying_cte
WITH x AS (SELECT 1 AS a) UPDATE orders SET channel = 'x'
-- ---
-- category: select_into
SELECT * INTO copy_of_orders FROM orders
-- ---
-- category: explain
EXPLAIN DELETE FROM orders
-- ---
-- category: explain
EXPLAIN QUERY PLAN SELECT * FROM internal_tokens
-- ---
-- category: explain
EXPLAIN SELECT token FROM internal_tokens
-- ---
-- category: values_and_functions
SELECT randomblob(2000000000)
-- ---
-- category: values_and_functions
SELECT zeroblob(2000000000)
-- ---
-- category: values_and_functions
SELECT hex(randomblob(16))
-- ---
-- category: values_and_functions
SELECT main.upper(first_name) FROM customers
-- ---
-- category: values_and_functions
SELECT eval('DELETE FROM orders')
-- ---
-- category: values_and_functions
SELECT sha3('x')
-- ---
-- category: values_and_functions
SELECT subtype(1)
