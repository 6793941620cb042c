-- Must-block SQL for MySQL/MariaDB: every entry must be rejected by the guard (with the server's
-- EXPLAIN cross-check), and executing it directly as the read-only account must change nothing.
-- Run against the test fixture database (tests/mysql_env.py), where secret_salaries (and the view
-- over it) is excluded and customers.email is hidden (so is its generated column email_domain and
-- the view customer_emails).
--
-- Format: entries are separated by a line holding exactly `-- ---`; each entry starts with a
-- `-- category: NAME` line, and the rest is the statement, verbatim (it may contain `;` and
-- comments). `{TMP}` is replaced by a throwaway directory, and `{U+XXXX}` by that character.
-- ---
-- category: writes_ddl
DELETE FROM orders
-- ---
-- category: writes_ddl
UPDATE customers SET name = 'x'
-- ---
-- category: writes_ddl
INSERT INTO orders VALUES (999, 1, 'pending', NOW())
-- ---
-- category: writes_ddl
REPLACE INTO orders VALUES (1, 1, 'pending', NOW())
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
RENAME TABLE orders TO orders_gone
-- ---
-- category: writes_ddl
GRANT SELECT ON orders TO CURRENT_USER
-- ---
-- category: writes_ddl
CREATE USER 'pwned'@'%'
-- ---
-- category: writes_ddl
INSERT INTO orders SELECT order_id + 1000, customer_id, status, ordered_at FROM orders
-- ---
-- category: file_read
SELECT LOAD_FILE('/etc/passwd')
-- ---
-- category: file_read
SELECT customer_id FROM customers WHERE name = LOAD_FILE('/etc/passwd')
-- ---
-- category: file_read
LOAD DATA INFILE '/etc/passwd' INTO TABLE orders
-- ---
-- category: file_read
LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE orders
-- ---
-- category: file_read
SELECT CONVERT(LOAD_FILE('/etc/passwd') USING utf8mb4) AS f
-- ---
-- category: file_write
SELECT * FROM orders INTO OUTFILE '{TMP}/orders.txt'
-- ---
-- category: file_write
SELECT 'x' INTO DUMPFILE '{TMP}/x.bin'
-- ---
-- category: file_write
SELECT customer_id FROM customers LIMIT 1 INTO OUTFILE '{TMP}/c.txt'
-- ---
-- category: sql_in_string
PREPARE s FROM 'DELETE FROM orders'
-- ---
-- category: sql_in_string
EXECUTE s
-- ---
-- category: sql_in_string
SELECT EXTRACTVALUE('<a>1</a>', '/a')
-- ---
-- category: sql_in_string
SELECT UPDATEXML('<a/>', '/a', '<b/>')
-- ---
-- category: settings_session
SET SESSION sql_mode = 'ANSI_QUOTES'
-- ---
-- category: settings_session
SET @@SESSION.max_statement_time = 0
-- ---
-- category: settings_session
SELECT @@secure_file_priv
-- ---
-- category: settings_session
SET NAMES latin1
-- ---
-- category: settings_session
SELECT /*+ SET_VAR(sql_mode = '') */ customer_id FROM customers
-- ---
-- category: settings_session
SELECT /*+ MAX_EXECUTION_TIME(100000000) */ customer_id FROM customers
-- ---
-- category: settings_session
SET GLOBAL max_connections = 1
-- ---
-- category: settings_session
SELECT VERSION()
-- ---
-- category: settings_session
SELECT CURRENT_USER()
-- ---
-- category: settings_session
SELECT DATABASE()
-- ---
-- category: settings_session
SELECT CONNECTION_ID()
-- ---
-- category: user_variables
SELECT @a := 1
-- ---
-- category: user_variables
SELECT @a
-- ---
-- category: user_variables
SELECT customer_id INTO @x FROM customers LIMIT 1
-- ---
-- category: user_variables
SET @a = 1
-- ---
-- category: user_variables
SELECT customer_id, @n := @n + 1 FROM customers
-- ---
-- category: locks
SELECT GET_LOCK('analyst', 1)
-- ---
-- category: locks
SELECT RELEASE_LOCK('analyst')
-- ---
-- category: locks
SELECT IS_FREE_LOCK('analyst')
-- ---
-- category: locks
SELECT RELEASE_ALL_LOCKS()
-- ---
-- category: locks
SELECT * FROM orders FOR UPDATE
-- ---
-- category: locks
SELECT * FROM orders LOCK IN SHARE MODE
-- ---
-- category: locks
LOCK TABLES orders WRITE
-- ---
-- category: locks
FLUSH TABLES WITH READ LOCK
-- ---
-- category: locks
HANDLER orders OPEN
-- ---
-- category: sleeps
SELECT SLEEP(5)
-- ---
-- category: sleeps
SELECT BENCHMARK(100000000, MD5('a'))
-- ---
-- category: sleeps
DO SLEEP(5)
-- ---
-- category: sleeps
SELECT customer_id FROM customers WHERE SLEEP(1) = 0
-- ---
-- category: signals
KILL 1
-- ---
-- category: signals
KILL QUERY 1
-- ---
-- category: signals
SHUTDOWN
-- ---
-- category: signals
SELECT MASTER_POS_WAIT('log', 1)
-- ---
-- category: sequences
SELECT LAST_INSERT_ID(5)
-- ---
-- category: sequences
SELECT NEXTVAL(s)
-- ---
-- category: sequences
SELECT SETVAL(s, 5)
-- ---
-- category: system_catalog
SELECT * FROM mysql.user
-- ---
-- category: system_catalog
SELECT * FROM information_schema.COLUMNS
-- ---
-- category: system_catalog
SELECT * FROM performance_schema.threads
-- ---
-- category: system_catalog
SELECT * FROM sys.processlist
-- ---
-- category: system_catalog
SHOW GRANTS
-- ---
-- category: system_catalog
SHOW PROCESSLIST
-- ---
-- category: system_catalog
SELECT * FROM information_schema.PROCESSLIST
-- ---
-- category: system_catalog
SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_NAME = 'customers'
-- ---
-- category: system_catalog
SELECT * FROM `mysql`.`user`
-- ---
-- category: excluded_table
SELECT * FROM secret_salaries
-- ---
-- category: excluded_table
SELECT * FROM salaries_view
-- ---
-- category: excluded_table
SELECT * FROM `secret_salaries`
-- ---
-- category: excluded_table
SELECT * FROM SECRET_SALARIES
-- ---
-- category: excluded_table
SELECT (SELECT salary FROM secret_salaries LIMIT 1) AS s
-- ---
-- category: excluded_table
SELECT * FROM customers JOIN secret_salaries ON 1 = 1
-- ---
-- category: excluded_table
WITH s AS (SELECT * FROM secret_salaries) SELECT * FROM s
-- ---
-- category: excluded_table
TABLE secret_salaries
-- ---
-- category: hidden_column
SELECT email FROM customers
-- ---
-- category: hidden_column
SELECT * FROM customers
-- ---
-- category: hidden_column
SELECT c.* FROM customers c
-- ---
-- category: hidden_column
SELECT email_domain FROM customers
-- ---
-- category: hidden_column
SELECT * FROM customer_emails
-- ---
-- category: hidden_column
SELECT `email` FROM customers
-- ---
-- category: hidden_column
SELECT customers.email FROM customers
-- ---
-- category: hidden_column
SELECT customer_id FROM customers WHERE email LIKE 'c1%'
-- ---
-- category: hidden_column
SELECT * FROM customers NATURAL JOIN orders
-- ---
-- category: hidden_column
SELECT EMAIL FROM customers
-- ---
-- category: hidden_column
SELECT customer_id FROM customers ORDER BY email
-- ---
-- category: multiple_statements
SELECT 1; DELETE FROM orders
-- ---
-- category: multiple_statements
SELECT 1; SELECT 2
-- ---
-- category: multiple_statements
SELECT 1;
DROP TABLE orders
-- ---
-- category: transactions
COMMIT
-- ---
-- category: transactions
START TRANSACTION READ WRITE
-- ---
-- category: transactions
ROLLBACK
-- ---
-- category: transactions
SAVEPOINT a
-- ---
-- category: transactions
XA START 'x'
-- ---
-- category: transactions
SET TRANSACTION READ WRITE
-- ---
-- category: stored_code
CALL p()
-- ---
-- category: stored_code
CREATE PROCEDURE p() DELETE FROM orders
-- ---
-- category: stored_code
CREATE FUNCTION f() RETURNS int RETURN 1
-- ---
-- category: stored_code
CREATE TRIGGER t BEFORE INSERT ON orders FOR EACH ROW SET NEW.order_id = 1
-- ---
-- category: stored_code
CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM orders
-- ---
-- category: stored_code
DO 1
-- ---
-- category: explain
EXPLAIN SELECT * FROM orders
-- ---
-- category: explain
ANALYZE TABLE orders
-- ---
-- category: explain
OPTIMIZE TABLE orders
-- ---
-- category: explain
CHECK TABLE orders
-- ---
-- category: explain
SHOW TABLES
-- ---
-- category: explain
DESCRIBE customers
-- ---
-- category: unicode
SELECT 1{U+200B}
-- ---
-- category: unicode
SELECT * FROM cust{U+200B}omers
-- ---
-- category: unicode
SELECT 'a{U+202E}b'
-- ---
-- category: comments
SELECT customer_id FROM customers # a comment
WHERE email = 'x'
-- ---
-- category: comments
DELETE FROM orders -- 

-- ---
-- category: comments
/* c */ DELETE FROM orders
-- ---
-- category: comments
SELECT * FROM orders PROCEDURE ANALYSE()
