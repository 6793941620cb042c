-- Queries a data team writes for MySQL/MariaDB: every entry must pass the guard and return the same
-- rows when sqlglot's regeneration runs as when the text as written runs.
--
-- Format: as mysql_attacks.sql.
-- ---
-- category: basic
SELECT customer_id, name FROM customers ORDER BY customer_id LIMIT 5
-- ---
-- category: basic
SELECT COUNT(*) FROM orders
-- ---
-- category: basic
SELECT `name` FROM `customers` WHERE customer_id = 3
-- ---
-- category: basic
SELECT customer_id FROM customers ORDER BY customer_id LIMIT 3 OFFSET 2
-- ---
-- category: basic
SELECT DISTINCT segment FROM customers ORDER BY segment
-- ---
-- category: join
SELECT c.name, COUNT(o.order_id) AS n FROM customers c JOIN orders o ON o.customer_id = c.customer_id GROUP BY c.name ORDER BY n DESC, c.name LIMIT 5
-- ---
-- category: join
SELECT c.customer_id FROM customers c LEFT JOIN orders o ON o.customer_id = c.customer_id WHERE o.order_id IS NULL
-- ---
-- category: join
SELECT o.order_id, c.segment FROM orders o JOIN customers c USING (customer_id) ORDER BY o.order_id LIMIT 5
-- ---
-- category: grouping
SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment HAVING COUNT(*) > 10 ORDER BY segment
-- ---
-- category: grouping
SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status
-- ---
-- category: grouping
SELECT segment, GROUP_CONCAT(customer_id ORDER BY customer_id SEPARATOR ',') AS ids FROM customers WHERE customer_id < 7 GROUP BY segment
-- ---
-- category: window
SELECT order_id, customer_id, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY ordered_at) AS rn FROM orders ORDER BY order_id LIMIT 10
-- ---
-- category: window
SELECT customer_id, SUM(order_id) OVER (ORDER BY customer_id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM orders ORDER BY order_id LIMIT 10
-- ---
-- category: window
SELECT order_id, LAG(order_id) OVER (ORDER BY order_id) AS prev FROM orders ORDER BY order_id LIMIT 5
-- ---
-- category: cte
WITH big AS (SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id) SELECT MAX(n) FROM big
-- ---
-- category: cte
WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 10) SELECT SUM(n) FROM s
-- ---
-- category: dates
SELECT DATE_FORMAT(ordered_at, '%Y-%m') AS month, COUNT(*) FROM orders GROUP BY DATE_FORMAT(ordered_at, '%Y-%m') ORDER BY month
-- ---
-- category: dates
SELECT COUNT(*) FROM orders WHERE ordered_at >= DATE_SUB('2024-06-01', INTERVAL 30 DAY)
-- ---
-- category: dates
SELECT YEAR(ordered_at), MONTH(ordered_at), COUNT(*) FROM orders GROUP BY YEAR(ordered_at), MONTH(ordered_at) ORDER BY 1, 2
-- ---
-- category: dates
SELECT DATEDIFF(MAX(ordered_at), MIN(ordered_at)) FROM orders
-- ---
-- category: dates
SELECT TIMESTAMPDIFF(DAY, MIN(ordered_at), MAX(ordered_at)) FROM orders
-- ---
-- category: functions
SELECT IFNULL(segment, 'none'), COALESCE(country, '?') FROM customers ORDER BY customer_id LIMIT 3
-- ---
-- category: functions
SELECT CASE WHEN customer_id % 2 = 0 THEN 'even' ELSE 'odd' END AS parity, COUNT(*) FROM customers GROUP BY parity ORDER BY parity
-- ---
-- category: functions
SELECT CONCAT(name, ' (', segment, ')') FROM customers ORDER BY customer_id LIMIT 3
-- ---
-- category: functions
SELECT CAST(customer_id AS CHAR) FROM customers ORDER BY customer_id LIMIT 2
-- ---
-- category: functions
SELECT ROUND(AVG(customer_id), 2) FROM orders
-- ---
-- category: functions
SELECT UPPER(name), LENGTH(name), SUBSTRING(name, 1, 4) FROM customers ORDER BY customer_id LIMIT 2
-- ---
-- category: functions
SELECT IF(status = 'shipped', 1, 0) AS shipped FROM orders ORDER BY order_id LIMIT 3
-- ---
-- category: string_literals
SELECT 'it''s' AS a
-- ---
-- category: string_literals
SELECT customer_id FROM customers WHERE name LIKE 'customer 1%' ORDER BY customer_id
-- ---
-- category: subqueries
SELECT name FROM customers WHERE customer_id IN (SELECT customer_id FROM orders WHERE status = 'delivered') ORDER BY name LIMIT 5
-- ---
-- category: subqueries
SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id AND o.order_id > 190) ORDER BY name
-- ---
-- category: subqueries
SELECT customer_id FROM customers WHERE customer_id < 3 UNION SELECT customer_id FROM orders WHERE order_id < 3 ORDER BY 1
-- ---
-- category: views
SELECT customer_id, n FROM order_counts ORDER BY n DESC, customer_id LIMIT 5
-- ---
-- category: keywords_as_identifiers
SELECT o.status AS `order`, COUNT(*) AS `count` FROM orders o GROUP BY o.status ORDER BY 1
