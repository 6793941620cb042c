-- Must-allow analytical SQL for PostgreSQL, against the test fixture database (tests/pg_env.py):
-- every entry must pass the guard (with the server's DECLARE cross-check), and the regenerated
-- text must run as the read-only role and return the same rows as the original text.
--
-- Format: entries are separated by a line holding exactly `-- ---`; each entry starts with a
-- `-- category: NAME` line, and the rest is the statement, verbatim.
-- ---
-- category: aggregate
SELECT count(*) AS n FROM orders
-- ---
-- category: aggregate
SELECT status, count(*) AS orders, count(DISTINCT customer_id) AS buyers
FROM orders GROUP BY status ORDER BY status
-- ---
-- category: join
SELECT c.segment, sum(oi.quantity * p.price) AS revenue
FROM orders o
JOIN customers c ON c.customer_id = o.customer_id
JOIN order_items oi ON oi.order_id = o.order_id
JOIN products p ON p.product_id = oi.product_id
GROUP BY c.segment ORDER BY revenue DESC
-- ---
-- category: join
SELECT s.carrier, count(*) AS shipments, sum(t.total) AS value
FROM ops.shipments s JOIN order_totals t USING (order_id)
GROUP BY s.carrier ORDER BY s.carrier
-- ---
-- category: window
SELECT order_id, customer_id, ordered_at,
       row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at, order_id) AS nth,
       count(*) OVER (PARTITION BY customer_id) AS total
FROM orders ORDER BY customer_id, nth
-- ---
-- category: window
SELECT day, daily, sum(daily) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS last_7
FROM (SELECT date_trunc('day', o.ordered_at) AS day, sum(oi.quantity) AS daily
      FROM orders o JOIN order_items oi USING (order_id) GROUP BY 1) AS d
ORDER BY day
-- ---
-- category: window
SELECT product_id, price,
       rank() OVER w AS price_rank, dense_rank() OVER w AS dense, percent_rank() OVER w AS pct,
       lag(price) OVER w AS prev_price, lead(price, 2) OVER w AS next2
FROM products WINDOW w AS (ORDER BY price DESC, product_id)
ORDER BY product_id
-- ---
-- category: window
SELECT customer_id, order_id FROM (
    SELECT customer_id, order_id,
           row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at DESC, order_id DESC) AS rn
    FROM orders) AS ranked
WHERE rn = 1 ORDER BY customer_id
-- ---
-- category: cte
WITH monthly AS (
    SELECT date_trunc('month', o.ordered_at) AS month, sum(oi.quantity * p.price) AS revenue
    FROM orders o JOIN order_items oi USING (order_id) JOIN products p USING (product_id) GROUP BY 1
)
SELECT month, revenue, revenue - lag(revenue) OVER (ORDER BY month) AS change
FROM monthly ORDER BY month
-- ---
-- category: cte
WITH buyers AS (SELECT DISTINCT customer_id FROM orders),
     shipped AS (SELECT DISTINCT o.customer_id FROM ops.shipments s JOIN orders o USING (order_id))
SELECT (SELECT count(*) FROM buyers) AS buyers, (SELECT count(*) FROM shipped) AS shipped
-- ---
-- category: cte
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
SELECT sum(i) AS total FROM n
-- ---
-- category: cte
WITH orders AS (SELECT order_id, status FROM public.orders WHERE status = 'shipped')
SELECT count(*) AS shipped FROM orders
-- ---
-- category: cte
WITH big AS MATERIALIZED (SELECT order_id FROM order_items WHERE quantity >= 3)
SELECT count(*) AS n FROM big
-- ---
-- category: grouping_sets
SELECT c.segment, o.status, count(*) AS n
FROM orders o JOIN customers c USING (customer_id)
GROUP BY GROUPING SETS ((c.segment), (o.status), ())
ORDER BY c.segment NULLS LAST, o.status NULLS LAST
-- ---
-- category: grouping_sets
SELECT p.category, oi.quantity, count(*) AS n, grouping(p.category, oi.quantity) AS level
FROM order_items oi JOIN products p USING (product_id)
GROUP BY ROLLUP (p.category, oi.quantity) ORDER BY 1, 2, 4
-- ---
-- category: grouping_sets
SELECT c.segment, c.country, count(*) AS n FROM customers c
GROUP BY CUBE (c.segment, c.country) ORDER BY 1, 2
-- ---
-- category: lateral
SELECT c.customer_id, last_order.ordered_at
FROM customers c, LATERAL (SELECT o.ordered_at FROM orders o WHERE o.customer_id = c.customer_id
                           ORDER BY o.ordered_at DESC LIMIT 1) AS last_order
ORDER BY c.customer_id
-- ---
-- category: lateral
SELECT p.product_id, top.order_id, top.quantity
FROM products p
CROSS JOIN LATERAL (SELECT oi.order_id, oi.quantity FROM order_items oi WHERE oi.product_id = p.product_id
                    ORDER BY oi.quantity DESC, oi.order_id LIMIT 1) AS top
ORDER BY p.product_id
-- ---
-- category: lateral
SELECT c.customer_id, x.n FROM customers c
LEFT JOIN LATERAL (SELECT count(*) AS n FROM orders o WHERE o.customer_id = c.customer_id) AS x ON true
ORDER BY c.customer_id LIMIT 10
-- ---
-- category: filter
SELECT count(*) FILTER (WHERE status = 'delivered') AS delivered,
       count(*) FILTER (WHERE status <> 'delivered') AS other,
       avg(customer_id) FILTER (WHERE customer_id > 30) AS avg_high
FROM orders
-- ---
-- category: keywords_as_identifiers
SELECT o.status AS "order", c.segment AS "select", count(*) AS "from"
FROM orders o JOIN customers c USING (customer_id) GROUP BY 1, 2 ORDER BY 1, 2
-- ---
-- category: keywords_as_identifiers
WITH "group" AS (SELECT segment AS "type", count(*) AS "count" FROM customers GROUP BY segment)
SELECT "type", "count" FROM "group" ORDER BY "type"
-- ---
-- category: keywords_as_identifiers
SELECT extract(year FROM ordered_at) AS year, extract(month FROM ordered_at) AS month, count(*) AS value
FROM orders GROUP BY 1, 2 ORDER BY 1, 2
-- ---
-- category: string_literals
SELECT 'DROP TABLE x;' AS note, count(*) AS n FROM products
-- ---
-- category: string_literals
SELECT name FROM customers WHERE name <> 'DELETE FROM orders; --' AND name NOT LIKE '%/*%' ORDER BY customer_id LIMIT 3
-- ---
-- category: string_literals
SELECT 'it''s' AS a, 'semi;colon' AS b, $$dollar; quoted$$ AS c, E'tab\there' AS d, '-- not a comment' AS e
-- ---
-- category: subquery
SELECT c.customer_id, c.name FROM customers c
WHERE EXISTS (SELECT * FROM orders o WHERE o.customer_id = c.customer_id AND o.status = 'pending')
ORDER BY c.customer_id LIMIT 10
-- ---
-- category: subquery
SELECT count(*) AS never_sold FROM products
WHERE product_id NOT IN (SELECT product_id FROM order_items)
-- ---
-- category: subquery
SELECT p.name, (SELECT sum(oi.quantity) FROM order_items oi WHERE oi.product_id = p.product_id) AS units
FROM products p ORDER BY p.product_id
-- ---
-- category: set_operations
SELECT customer_id FROM customers UNION SELECT customer_id FROM orders ORDER BY customer_id
-- ---
-- category: set_operations
SELECT product_id FROM products INTERSECT SELECT product_id FROM order_items ORDER BY product_id
-- ---
-- category: set_operations
SELECT product_id FROM products EXCEPT SELECT product_id FROM order_items WHERE quantity > 3 ORDER BY product_id
-- ---
-- category: star
SELECT * FROM products ORDER BY product_id
-- ---
-- category: star
SELECT s.* FROM ops.shipments s ORDER BY s.shipment_id LIMIT 5
-- ---
-- category: dates
SELECT to_char(ordered_at, 'YYYY-MM') AS ym, max(ordered_at) - min(ordered_at) AS span,
       date_part('dow', min(ordered_at)) AS first_dow
FROM orders GROUP BY 1 ORDER BY 1
-- ---
-- category: dates
SELECT d::date AS day, count(o.order_id) AS orders
FROM generate_series(timestamptz '2024-01-01', timestamptz '2024-01-07', interval '1 day') AS d
LEFT JOIN orders o ON date_trunc('day', o.ordered_at) = d
GROUP BY d ORDER BY d
-- ---
-- category: strings
SELECT upper(left(name, 1)) || lower(substr(name, 2)) AS nice, length(name) AS len,
       concat_ws('-', segment, country) AS tag, regexp_replace(name, '[aeiou]', '', 'g') AS consonants,
       split_part(name, ' ', 2) AS num
FROM customers WHERE name ILIKE 'customer 1%' ORDER BY customer_id
-- ---
-- category: statistics
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY price) AS median_price,
       stddev_samp(price) AS sd, corr(product_id, price) AS r, string_agg(name, ', ' ORDER BY product_id) AS names
FROM products
-- ---
-- category: json
SELECT jsonb_build_object('id', product_id, 'price', price) AS j, json_agg(name) OVER () -> 0 AS first_name
FROM products ORDER BY product_id LIMIT 3
-- ---
-- category: case_cast
SELECT order_id, CASE WHEN quantity >= 3 THEN 'bulk' WHEN quantity = 2 THEN 'pair' ELSE 'single' END AS size,
       quantity::numeric / nullif(order_id, 0) AS ratio, CAST(quantity AS text) AS q, coalesce(NULL, quantity) AS c
FROM order_items ORDER BY order_id LIMIT 20
-- ---
-- category: comments
-- revenue per category
SELECT p.category, sum(oi.quantity * p.price) AS revenue /* gross */
FROM order_items oi JOIN products p USING (product_id)
GROUP BY p.category ORDER BY revenue DESC;
-- ---
-- category: distinct_on
SELECT DISTINCT ON (customer_id) customer_id, order_id, ordered_at FROM orders
ORDER BY customer_id, ordered_at DESC, order_id DESC
-- ---
-- category: schema_qualified
SELECT count(*) AS n FROM public.order_items WHERE quantity > 2
-- ---
-- category: enum
SELECT status, count(*) AS n FROM orders WHERE status IN ('pending', 'shipped') GROUP BY status ORDER BY status
-- ---
-- category: arrays
SELECT customer_id, array_agg(order_id ORDER BY order_id) AS ids, cardinality(array_agg(order_id)) AS n
FROM orders GROUP BY customer_id ORDER BY customer_id LIMIT 5
-- ---
-- category: set_returning
SELECT g AS n, g * g AS square FROM generate_series(1, 5) AS g ORDER BY g
-- ---
-- category: set_returning
SELECT word, count(*) AS n FROM products, regexp_split_to_table(name, ' ') AS word GROUP BY word ORDER BY n DESC, word
-- ---
-- category: regex
SELECT name FROM customers WHERE name ~ '^customer 5[0-9]$' ORDER BY customer_id
-- ---
-- category: enum
SELECT count(*) AS n FROM orders WHERE status = 'shipped'::order_status
