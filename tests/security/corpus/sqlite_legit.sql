-- Must-allow analytical SQL for SQLite, against the sample database ported to SQLite
-- (tests/sqlite_sample.py): every entry must pass the guard (with the engine cross-check), and the
-- regenerated text must run and return the same rows as the original text.
--
-- Format: entries are separated by a line holding exactly `-- ---`; each entry starts with a
-- `-- category: NAME` line, and the rest is the statement, verbatim.
-- ---
-- category: aggregate
SELECT count(*) AS n FROM orders
-- ---
-- category: aggregate
SELECT channel, count(*) AS orders, count(DISTINCT customer_id) AS buyers
FROM orders GROUP BY channel ORDER BY channel
-- ---
-- category: aggregate
SELECT status, round(avg(line_total), 2) AS avg_line, total(line_total) AS total_lines
FROM orders o JOIN order_items oi ON oi.order_id = o.order_id GROUP BY status ORDER BY status
-- ---
-- category: aggregate
SELECT min(order_date) AS first, max(order_date) AS last FROM orders
-- ---
-- category: aggregate
SELECT segment, group_concat(DISTINCT country) AS countries FROM customers GROUP BY segment ORDER BY segment
-- ---
-- category: join
SELECT c.segment, round(sum(oi.line_total), 2) AS revenue
FROM orders o
JOIN customers c ON c.customer_id = o.customer_id
JOIN order_items oi ON oi.order_id = o.order_id
GROUP BY c.segment ORDER BY revenue DESC
-- ---
-- category: join
SELECT s.store_name, r.region_name FROM stores s LEFT JOIN regions r ON r.region_id = s.region_id ORDER BY s.store_id
-- ---
-- category: join
SELECT p.product_name, cat.category_name, sup.supplier_name
FROM products p JOIN categories cat USING (category_id) JOIN suppliers sup USING (supplier_id)
ORDER BY p.product_id LIMIT 10
-- ---
-- category: join
SELECT sp.first_name, m.first_name AS manager FROM salespeople sp LEFT JOIN salespeople m ON m.salesperson_id = sp.manager_id ORDER BY sp.salesperson_id
-- ---
-- category: join
SELECT count(*) FROM order_items oi JOIN returns r ON r.order_id = oi.order_id AND r.line_number = oi.line_number
-- ---
-- category: window
SELECT order_id, order_date, row_number() OVER (PARTITION BY customer_id ORDER BY order_date, order_id) AS nth
FROM orders ORDER BY order_id LIMIT 20
-- ---
-- category: window
SELECT product_id, unit_price, rank() OVER (ORDER BY unit_price DESC) AS price_rank,
       dense_rank() OVER (ORDER BY unit_price DESC) AS dense FROM products ORDER BY product_id
-- ---
-- category: window
SELECT order_date, count(*) AS n, sum(count(*)) OVER (ORDER BY order_date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS week
FROM orders GROUP BY order_date ORDER BY order_date LIMIT 30
-- ---
-- category: window
SELECT customer_id, order_id, lag(order_date) OVER w AS previous, lead(order_date) OVER w AS next
FROM orders WINDOW w AS (PARTITION BY customer_id ORDER BY order_date, order_id) ORDER BY customer_id, order_id LIMIT 30
-- ---
-- category: window
SELECT product_id, ntile(4) OVER (ORDER BY unit_price) AS quartile, percent_rank() OVER (ORDER BY unit_price) AS pr,
       cume_dist() OVER (ORDER BY unit_price) AS cd, first_value(product_id) OVER (ORDER BY unit_price) AS cheapest
FROM products ORDER BY product_id
-- ---
-- category: cte
WITH revenue AS (
  SELECT o.customer_id, sum(oi.line_total) AS total FROM orders o JOIN order_items oi ON oi.order_id = o.order_id GROUP BY o.customer_id
)
SELECT c.first_name, c.last_name, r.total FROM revenue r JOIN customers c ON c.customer_id = r.customer_id ORDER BY r.total DESC LIMIT 5
-- ---
-- category: cte
WITH monthly AS (SELECT strftime('%Y-%m', order_date) AS month, count(*) AS n FROM orders GROUP BY month)
SELECT month, n, n - lag(n) OVER (ORDER BY month) AS change FROM monthly ORDER BY month
-- ---
-- category: cte
WITH a AS (SELECT customer_id FROM orders WHERE channel = 'online'), b AS (SELECT customer_id FROM orders WHERE channel = 'phone')
SELECT count(*) FROM (SELECT customer_id FROM a INTERSECT SELECT customer_id FROM b)
-- ---
-- category: recursive_cte
WITH RECURSIVE chain(salesperson_id, depth) AS (
  SELECT salesperson_id, 0 FROM salespeople WHERE manager_id IS NULL
  UNION ALL
  SELECT s.salesperson_id, c.depth + 1 FROM salespeople s JOIN chain c ON s.manager_id = c.salesperson_id
)
SELECT depth, count(*) AS people FROM chain GROUP BY depth ORDER BY depth
-- ---
-- category: recursive_cte
WITH RECURSIVE days(d) AS (SELECT date('2024-01-01') UNION ALL SELECT date(d, '+1 day') FROM days WHERE d < '2024-01-31')
SELECT d, (SELECT count(*) FROM orders WHERE order_date = d) AS n FROM days ORDER BY d
-- ---
-- category: dates
SELECT strftime('%Y', order_date) AS year, count(*) AS n FROM orders GROUP BY year ORDER BY year
-- ---
-- category: dates
SELECT order_id, julianday(ordered_at) - julianday(order_date) AS day_fraction FROM orders ORDER BY order_id LIMIT 5
-- ---
-- category: dates
SELECT count(*) FROM orders WHERE order_date >= date('2024-06-30', '-30 days')
-- ---
-- category: dates
SELECT customer_id, CAST(julianday(max(order_date)) - julianday(min(order_date)) AS INTEGER) AS span_days
FROM orders GROUP BY customer_id ORDER BY span_days DESC, customer_id LIMIT 5
-- ---
-- category: dates
SELECT date(order_date, 'start of month') AS month, count(*) FROM orders GROUP BY 1 ORDER BY 1
-- ---
-- category: dates
SELECT strftime('%w', order_date) AS weekday, count(*) FROM orders GROUP BY weekday ORDER BY weekday
-- ---
-- category: case
SELECT CASE WHEN unit_price >= 500 THEN 'premium' WHEN unit_price >= 100 THEN 'mid' ELSE 'budget' END AS tier, count(*) AS n
FROM products GROUP BY tier ORDER BY tier
-- ---
-- category: case
SELECT iif(discontinued_on IS NULL, 'active', 'discontinued') AS state, count(*) FROM products GROUP BY state ORDER BY state
-- ---
-- category: filter
SELECT count(*) FILTER (WHERE status = 'completed') AS completed, count(*) FILTER (WHERE status = 'returned') AS returned FROM orders
-- ---
-- category: filter
SELECT channel, sum(CASE WHEN payment_method = 'card' THEN 1 ELSE 0 END) AS by_card FROM orders GROUP BY channel ORDER BY channel
-- ---
-- category: subquery
SELECT product_name FROM products WHERE unit_price > (SELECT avg(unit_price) FROM products) ORDER BY product_name
-- ---
-- category: subquery
SELECT c.customer_id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id) ORDER BY 1
-- ---
-- category: subquery
SELECT region_name, (SELECT count(*) FROM stores s WHERE s.region_id = r.region_id) AS stores FROM regions r ORDER BY region_name
-- ---
-- category: set_operations
SELECT city FROM customers UNION SELECT city FROM stores WHERE city IS NOT NULL ORDER BY city
-- ---
-- category: set_operations
SELECT customer_id FROM orders WHERE channel = 'online' EXCEPT SELECT customer_id FROM orders WHERE channel = 'in_store' ORDER BY 1
-- ---
-- category: having
SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id HAVING count(*) >= 8 ORDER BY n DESC, customer_id
-- ---
-- category: strings
SELECT upper(substr(first_name, 1, 1)) || lower(substr(first_name, 2)) AS name, length(last_name) AS len FROM customers ORDER BY customer_id LIMIT 10
-- ---
-- category: strings
SELECT replace(sku, '-', '') AS compact, instr(sku, '-') AS dash, trim(product_name) AS name FROM products ORDER BY product_id LIMIT 10
-- ---
-- category: strings
SELECT printf('%s (%d)', category_name, category_id) AS label FROM categories ORDER BY category_id
-- ---
-- category: strings
SELECT first_name FROM customers WHERE first_name LIKE 'a%' ORDER BY first_name
-- ---
-- category: strings
SELECT product_name FROM products WHERE product_name GLOB '*[0-9]*' ORDER BY product_name
-- ---
-- category: math
SELECT round(sum(line_total) * 1.0 / count(*), 2) AS avg_line, abs(min(discount_pct) - max(discount_pct)) AS spread FROM order_items
-- ---
-- category: math
SELECT product_id, round(unit_price - unit_cost, 2) AS margin, round((unit_price - unit_cost) * 100.0 / unit_price, 1) AS pct
FROM products ORDER BY pct DESC, product_id LIMIT 10
-- ---
-- category: json
SELECT json_object('id', region_id, 'name', region_name) AS j FROM regions ORDER BY region_id
-- ---
-- category: json
SELECT json_extract(json_object('n', count(*)), '$.n') AS n FROM orders
-- ---
-- category: json
SELECT json_group_array(category_name) AS names FROM categories
-- ---
-- category: nulls
SELECT salesperson_id, annual_quota FROM salespeople ORDER BY annual_quota DESC NULLS LAST, salesperson_id
-- ---
-- category: nulls
SELECT coalesce(company_name, first_name || ' ' || last_name) AS who, ifnull(company_name, '-') AS company FROM customers ORDER BY customer_id LIMIT 10
-- ---
-- category: keywords_as_identifiers
SELECT "order".order_id FROM orders AS "order" ORDER BY 1 LIMIT 3
-- ---
-- category: keywords_as_identifiers
SELECT status AS "select", count(*) AS "from" FROM orders GROUP BY status ORDER BY status
-- ---
-- category: keywords_as_identifiers
SELECT [region_name] AS [name] FROM regions ORDER BY [region_name]
-- ---
-- category: string_literals
SELECT 'DROP TABLE x;' AS text, 'it''s' AS quote, '-- not a comment' AS dashes, '/* nor this */' AS slashes
-- ---
-- category: string_literals
SELECT count(*) FROM customers WHERE city = 'DELETE FROM orders'
-- ---
-- category: string_literals
SELECT 'ATTACH ''x.db'' AS x' AS text, 'sqlite_master' AS name
-- ---
-- category: values
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) ORDER BY 1
-- ---
-- category: distinct
SELECT DISTINCT country FROM customers ORDER BY country
-- ---
-- category: limit_offset
SELECT order_id FROM orders ORDER BY order_id LIMIT 5 OFFSET 10
-- ---
-- category: cast
SELECT CAST(unit_price AS INTEGER) AS whole, CAST(product_id AS TEXT) || '#' AS tag, typeof(unit_price) AS t FROM products ORDER BY product_id LIMIT 5
-- ---
-- category: sqlite_syntax
SELECT order_id FROM orders ORDER BY order_id LIMIT 10, 5
-- ---
-- category: sqlite_syntax
SELECT min(unit_price, unit_cost) AS low, max(unit_price, unit_cost) AS high FROM products ORDER BY product_id LIMIT 5
-- ---
-- category: sqlite_syntax
SELECT first_name FROM customers ORDER BY first_name COLLATE NOCASE, customer_id LIMIT 5
-- ---
-- category: sqlite_syntax
SELECT 10 / 3 AS whole, 10 / 3.0 AS exact, x'0102' AS bytes, 1 IS 1 AS same
-- ---
-- category: sqlite_syntax
SELECT s.store_name, r.region_name FROM regions r RIGHT JOIN stores s ON s.region_id = r.region_id ORDER BY s.store_id
-- ---
-- category: sqlite_syntax
SELECT s.store_name, r.region_name FROM regions r FULL OUTER JOIN stores s ON s.region_id = r.region_id ORDER BY s.store_id
-- ---
-- category: window
SELECT order_id, count(*) OVER (ORDER BY order_date GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) AS near FROM orders ORDER BY order_id LIMIT 10
-- ---
-- category: dates
SELECT strftime('%Y-W%W', order_date) AS week, count(*) AS n FROM orders GROUP BY week ORDER BY week LIMIT 10
-- ---
-- category: dates
SELECT unixepoch(order_date) AS epoch, CAST(strftime('%s', order_date) AS INTEGER) AS also FROM orders ORDER BY order_id LIMIT 3
