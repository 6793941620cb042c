-- Must-allow analytical SQL for DuckDB, against the bundled sample database: every entry must
-- pass the guard (with the engine cross-check), and the regenerated text must run and return
-- the same rows as the original text.
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
-- category: join
SELECT c.segment, round(sum(oi.line_total), 2) AS revenue
FROM orders o
JOIN customers c ON c.customer_id = o.customer_id
JOIN order_items oi ON oi.order_id = o.order_id
GROUP BY c.segment ORDER BY revenue DESC
-- ---
-- category: join
SELECT r.region_name, s.store_name, count(o.order_id) AS orders
FROM regions r JOIN stores s USING (region_id) LEFT JOIN orders o USING (store_id)
GROUP BY ALL ORDER BY ALL
-- ---
-- category: window
SELECT order_id, customer_id, order_date,
       row_number() OVER (PARTITION BY customer_id ORDER BY order_date, order_id) AS nth,
       count(*) OVER (PARTITION BY customer_id) AS total
FROM orders ORDER BY customer_id, nth
-- ---
-- category: window
SELECT order_date, daily, sum(daily) OVER (ORDER BY order_date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS last_7
FROM (SELECT o.order_date, sum(oi.line_total) AS daily FROM orders o JOIN order_items oi USING (order_id) GROUP BY o.order_date)
ORDER BY order_date
-- ---
-- category: window
SELECT product_id, unit_price,
       rank() OVER w AS price_rank, dense_rank() OVER w AS dense, percent_rank() OVER w AS pct,
       lag(unit_price) OVER w AS prev_price, lead(unit_price, 2) OVER w AS next2
FROM products WINDOW w AS (ORDER BY unit_price DESC, product_id)
ORDER BY product_id
-- ---
-- category: window
SELECT salesperson_id, annual_quota,
       first_value(salesperson_id) OVER (PARTITION BY store_id ORDER BY annual_quota DESC, salesperson_id) AS top_seller,
       ntile(4) OVER (ORDER BY annual_quota, salesperson_id) AS quartile
FROM salespeople ORDER BY salesperson_id
-- ---
-- category: qualify
SELECT customer_id, order_id, order_date FROM orders
QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY order_date DESC, order_id DESC) = 1
ORDER BY customer_id
-- ---
-- category: qualify
SELECT p.category_id, p.product_name, p.unit_price FROM products p
QUALIFY rank() OVER (PARTITION BY p.category_id ORDER BY p.unit_price DESC, p.product_id) <= 2
ORDER BY p.category_id, p.unit_price DESC
-- ---
-- category: cte
WITH monthly AS (
    SELECT date_trunc('month', o.order_date) AS month, sum(oi.line_total) AS revenue
    FROM orders o JOIN order_items oi USING (order_id) GROUP BY 1
)
SELECT month, revenue, revenue - lag(revenue) OVER (ORDER BY month) AS change
FROM monthly ORDER BY month
-- ---
-- category: cte
WITH buyers AS (SELECT DISTINCT customer_id FROM orders),
     returners AS (SELECT DISTINCT o.customer_id FROM returns r JOIN orders o USING (order_id))
SELECT (SELECT count(*) FROM buyers) AS buyers, (SELECT count(*) FROM returners) AS returners
-- ---
-- category: cte
WITH RECURSIVE chain AS (
    SELECT salesperson_id, manager_id, 0 AS depth FROM salespeople WHERE manager_id IS NULL
    UNION ALL
    SELECT s.salesperson_id, s.manager_id, chain.depth + 1
    FROM salespeople s JOIN chain ON s.manager_id = chain.salesperson_id WHERE chain.depth < 10
)
SELECT depth, count(*) AS people FROM chain GROUP BY depth ORDER BY depth
-- ---
-- category: cte
WITH orders AS (SELECT order_id, status FROM main.orders WHERE status = 'completed')
SELECT count(*) AS completed FROM orders
-- ---
-- category: pivot
SELECT * FROM (SELECT o.channel, c.segment, oi.line_total FROM orders o
               JOIN customers c USING (customer_id) JOIN order_items oi USING (order_id))
PIVOT (sum(line_total) FOR segment IN ('consumer', 'small_business', 'enterprise'))
ORDER BY channel
-- ---
-- category: pivot
SELECT * FROM (SELECT store_id, channel FROM orders)
PIVOT (count(*) FOR channel IN ('online', 'in_store')) ORDER BY store_id
-- ---
-- category: unpivot
SELECT * FROM (SELECT product_id, unit_price, unit_cost FROM products WHERE product_id <= 3)
UNPIVOT (amount FOR kind IN (unit_price, unit_cost)) ORDER BY product_id, kind
-- ---
-- category: grouping_sets
SELECT c.country, o.channel, count(*) AS n
FROM orders o JOIN customers c USING (customer_id)
GROUP BY GROUPING SETS ((c.country), (o.channel), ())
ORDER BY ALL
-- ---
-- category: grouping_sets
SELECT s.country, s.store_type, count(*) AS orders, grouping(s.country, s.store_type) AS level
FROM orders o JOIN stores s USING (store_id)
GROUP BY ROLLUP (s.country, s.store_type) ORDER BY ALL
-- ---
-- category: grouping_sets
SELECT o.channel, o.payment_method, count(*) AS n FROM orders o
GROUP BY CUBE (o.channel, o.payment_method) ORDER BY ALL
-- ---
-- category: lateral
SELECT c.customer_id, last_order.order_date
FROM customers c, LATERAL (SELECT o.order_date FROM orders o WHERE o.customer_id = c.customer_id
                           ORDER BY o.order_date DESC, o.order_id DESC LIMIT 1) AS last_order
ORDER BY c.customer_id
-- ---
-- category: lateral
SELECT s.store_name, top.product_id, top.units
FROM stores s
JOIN LATERAL (SELECT oi.product_id, sum(oi.quantity) AS units FROM orders o JOIN order_items oi USING (order_id)
              WHERE o.store_id = s.store_id GROUP BY oi.product_id ORDER BY units DESC, oi.product_id LIMIT 1) top ON true
ORDER BY s.store_name
-- ---
-- category: filter
SELECT count(*) FILTER (WHERE status = 'completed') AS completed,
       count(*) FILTER (WHERE status <> 'completed') AS other,
       avg(quantity) FILTER (WHERE quantity > 1) AS avg_multi
FROM orders JOIN order_items USING (order_id)
-- ---
-- category: keywords_as_identifiers
SELECT o.status AS "order", o.channel AS "select", count(*) AS "from"
FROM orders o GROUP BY 1, 2 ORDER BY 1, 2
-- ---
-- category: keywords_as_identifiers
WITH "group" AS (SELECT segment AS "type", count(*) AS "count" FROM customers GROUP BY segment)
SELECT "type", "count" FROM "group" ORDER BY "type"
-- ---
-- category: keywords_as_identifiers
SELECT year(order_date) AS year, month(order_date) AS month, count(*) AS value
FROM orders GROUP BY 1, 2 ORDER BY 1, 2
-- ---
-- category: string_literals
SELECT 'DROP TABLE x;' AS note, count(*) AS n FROM regions
-- ---
-- category: string_literals
SELECT region_name FROM regions WHERE region_name <> 'DELETE FROM orders; --' AND region_name NOT LIKE '%/*%' ORDER BY 1
-- ---
-- category: string_literals
SELECT 'it''s' AS a, 'semi;colon' AS b, '$$' AS c, '-- not a comment' AS d
-- ---
-- category: subquery
SELECT c.customer_id, c.first_name FROM customers c
WHERE EXISTS (SELECT * FROM orders o WHERE o.customer_id = c.customer_id AND o.channel = 'online')
ORDER BY c.customer_id LIMIT 10
-- ---
-- category: subquery
SELECT count(*) AS never_sold FROM products
WHERE product_id NOT IN (SELECT product_id FROM order_items)
-- ---
-- category: subquery
SELECT s.store_name, (SELECT count(*) FROM orders o WHERE o.store_id = s.store_id) AS orders
FROM stores s ORDER BY s.store_name
-- ---
-- category: set_operations
SELECT city FROM customers UNION SELECT city FROM stores ORDER BY city
-- ---
-- category: set_operations
SELECT country FROM suppliers INTERSECT SELECT country FROM stores ORDER BY country
-- ---
-- category: set_operations
SELECT customer_id FROM customers EXCEPT SELECT customer_id FROM orders ORDER BY customer_id
-- ---
-- category: star
SELECT * FROM regions ORDER BY region_id
-- ---
-- category: star
SELECT * EXCLUDE (contact_email) FROM suppliers ORDER BY supplier_id
-- ---
-- category: star
SELECT r.* FROM returns r ORDER BY r.return_id LIMIT 5
-- ---
-- category: dates
SELECT strftime(order_date, '%Y-%m') AS ym, date_diff('day', min(order_date), max(order_date)) AS span_days,
       extract(year FROM min(ordered_at)) AS first_year
FROM orders GROUP BY 1 ORDER BY 1
-- ---
-- category: dates
SELECT d.day, count(o.order_id) AS orders
FROM range(DATE '2024-01-01', DATE '2024-01-08', INTERVAL 1 DAY) AS d(day)
LEFT JOIN orders o ON o.order_date = d.day::DATE
GROUP BY d.day ORDER BY d.day
-- ---
-- category: strings
SELECT upper(left(first_name, 1)) || lower(substr(first_name, 2)) AS name, length(last_name) AS len,
       concat_ws(' ', first_name, last_name) AS full_name, regexp_replace(last_name, '[aeiou]', '', 'g') AS consonants
FROM customers WHERE first_name ILIKE 'a%' ORDER BY customer_id
-- ---
-- category: lists
SELECT customer_id, list(order_id ORDER BY order_id) AS ids,
       list_transform(list(order_id ORDER BY order_id), lambda x: x * 10)[1] AS first_times_ten
FROM orders GROUP BY customer_id ORDER BY customer_id LIMIT 5
-- ---
-- category: lists
SELECT tag, count(*) AS n FROM (SELECT unnest(string_split(store_name, ' ')) AS tag FROM stores) GROUP BY tag ORDER BY n DESC, tag
-- ---
-- category: statistics
SELECT median(line_total) AS med, quantile_cont(line_total, 0.9) AS p90, stddev_samp(line_total) AS sd,
       approx_count_distinct(product_id) AS products, arg_max(product_id, line_total) AS priciest
FROM order_items
-- ---
-- category: case_cast
SELECT order_id, CASE WHEN quantity >= 5 THEN 'bulk' WHEN quantity >= 2 THEN 'multi' ELSE 'single' END AS size,
       CAST(unit_price AS INTEGER) AS whole, TRY_CAST(discount_pct AS VARCHAR) AS pct,
       coalesce(discount_pct, 0) AS d, line_total / nullif(quantity, 0) AS per_unit
FROM order_items ORDER BY order_id, line_number LIMIT 20
-- ---
-- category: comments
-- revenue per department
SELECT cat.department, round(sum(oi.line_total), 2) AS revenue /* net of discounts */
FROM order_items oi JOIN products p USING (product_id) JOIN categories cat USING (category_id)
GROUP BY cat.department ORDER BY revenue DESC;
-- ---
-- category: from_first
FROM regions SELECT region_name ORDER BY region_name
-- ---
-- category: distinct_on
SELECT DISTINCT ON (store_id) store_id, order_id, order_date FROM orders ORDER BY store_id, order_date DESC, order_id DESC
-- ---
-- category: case_insensitive_names
SELECT "Region_Name", REGION_ID FROM "Regions" ORDER BY 2
-- ---
-- category: schema_qualified
SELECT count(*) AS n FROM main.order_items WHERE quantity > 2
-- ---
-- category: generate_series
SELECT g.n, g.n * g.n AS square FROM generate_series(1, 5) AS g(n) ORDER BY g.n
-- ---
-- category: struct
SELECT {'id': store_id, 'name': store_name} AS s, struct_pack(city := city, country := country).city AS c
FROM stores ORDER BY store_id LIMIT 3
