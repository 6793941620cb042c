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
-- ---
-- category: values
VALUES (1, 'a'), (2, 'b')
-- ---
-- category: row_field
SELECT (c).name FROM customers c ORDER BY c.customer_id LIMIT 3
-- ---
-- category: row_to_json
SELECT row_to_json(ROW(c.name, c.segment)) AS j FROM customers c ORDER BY c.customer_id LIMIT 3
-- ---
-- category: subquery_alias
SELECT internal_tokens.name FROM (SELECT name FROM customers) AS internal_tokens ORDER BY 1 LIMIT 3
-- ---
-- category: string_literals
SELECT chr(8238) AS rlo, U&'\202E' AS u, E'tab\there' AS t
-- ---
-- category: long_in_list
SELECT count(*) AS n FROM orders WHERE status::text IN ('order-00000', 'order-00001', 'order-00002', 'order-00003', 'order-00004', 'order-00005', 'order-00006', 'order-00007', 'order-00008', 'order-00009', 'order-00010', 'order-00011', 'order-00012', 'order-00013', 'order-00014', 'order-00015', 'order-00016', 'order-00017', 'order-00018', 'order-00019', 'order-00020', 'order-00021', 'order-00022', 'order-00023', 'order-00024', 'order-00025', 'order-00026', 'order-00027', 'order-00028', 'order-00029', 'order-00030', 'order-00031', 'order-00032', 'order-00033', 'order-00034', 'order-00035', 'order-00036', 'order-00037', 'order-00038', 'order-00039', 'order-00040', 'order-00041', 'order-00042', 'order-00043', 'order-00044', 'order-00045', 'order-00046', 'order-00047', 'order-00048', 'order-00049', 'order-00050', 'order-00051', 'order-00052', 'order-00053', 'order-00054', 'order-00055', 'order-00056', 'order-00057', 'order-00058', 'order-00059', 'order-00060', 'order-00061', 'order-00062', 'order-00063', 'order-00064', 'order-00065', 'order-00066', 'order-00067', 'order-00068', 'order-00069', 'order-00070', 'order-00071', 'order-00072', 'order-00073', 'order-00074', 'order-00075', 'order-00076', 'order-00077', 'order-00078', 'order-00079', 'order-00080', 'order-00081', 'order-00082', 'order-00083', 'order-00084', 'order-00085', 'order-00086', 'order-00087', 'order-00088', 'order-00089', 'order-00090', 'order-00091', 'order-00092', 'order-00093', 'order-00094', 'order-00095', 'order-00096', 'order-00097', 'order-00098', 'order-00099', 'order-00100', 'order-00101', 'order-00102', 'order-00103', 'order-00104', 'order-00105', 'order-00106', 'order-00107', 'order-00108', 'order-00109', 'order-00110', 'order-00111', 'order-00112', 'order-00113', 'order-00114', 'order-00115', 'order-00116', 'order-00117', 'order-00118', 'order-00119', 'order-00120', 'order-00121', 'order-00122', 'order-00123', 'order-00124', 'order-00125', 'order-00126', 'order-00127', 'order-00128', 'order-00129', 'order-00130', 'order-00131', 'order-00132', 'order-00133', 'order-00134', 'order-00135', 'order-00136', 'order-00137', 'order-00138', 'order-00139', 'order-00140', 'order-00141', 'order-00142', 'order-00143', 'order-00144', 'order-00145', 'order-00146', 'order-00147', 'order-00148', 'order-00149', 'order-00150', 'order-00151', 'order-00152', 'order-00153', 'order-00154', 'order-00155', 'order-00156', 'order-00157', 'order-00158', 'order-00159', 'order-00160', 'order-00161', 'order-00162', 'order-00163', 'order-00164', 'order-00165', 'order-00166', 'order-00167', 'order-00168', 'order-00169', 'order-00170', 'order-00171', 'order-00172', 'order-00173', 'order-00174', 'order-00175', 'order-00176', 'order-00177', 'order-00178', 'order-00179', 'order-00180', 'order-00181', 'order-00182', 'order-00183', 'order-00184', 'order-00185', 'order-00186', 'order-00187', 'order-00188', 'order-00189', 'order-00190', 'order-00191', 'order-00192', 'order-00193', 'order-00194', 'order-00195', 'order-00196', 'order-00197', 'order-00198', 'order-00199', 'order-00200', 'order-00201', 'order-00202', 'order-00203', 'order-00204', 'order-00205', 'order-00206', 'order-00207', 'order-00208', 'order-00209', 'order-00210', 'order-00211', 'order-00212', 'order-00213', 'order-00214', 'order-00215', 'order-00216', 'order-00217', 'order-00218', 'order-00219', 'order-00220', 'order-00221', 'order-00222', 'order-00223', 'order-00224', 'order-00225', 'order-00226', 'order-00227', 'order-00228', 'order-00229', 'order-00230', 'order-00231', 'order-00232', 'order-00233', 'order-00234', 'order-00235', 'order-00236', 'order-00237', 'order-00238', 'order-00239', 'order-00240', 'order-00241', 'order-00242', 'order-00243', 'order-00244', 'order-00245', 'order-00246', 'order-00247', 'order-00248', 'order-00249', 'order-00250', 'order-00251', 'order-00252', 'order-00253', 'order-00254', 'order-00255', 'order-00256', 'order-00257', 'order-00258', 'order-00259', 'order-00260', 'order-00261', 'order-00262', 'order-00263', 'order-00264', 'order-00265', 'order-00266', 'order-00267', 'order-00268', 'order-00269', 'order-00270', 'order-00271', 'order-00272', 'order-00273', 'order-00274', 'order-00275', 'order-00276', 'order-00277', 'order-00278', 'order-00279', 'order-00280', 'order-00281', 'order-00282', 'order-00283', 'order-00284', 'order-00285', 'order-00286', 'order-00287', 'order-00288', 'order-00289', 'order-00290', 'order-00291', 'order-00292', 'order-00293', 'order-00294', 'order-00295', 'order-00296', 'order-00297', 'order-00298', 'order-00299', 'order-00300', 'order-00301', 'order-00302', 'order-00303', 'order-00304', 'order-00305', 'order-00306', 'order-00307', 'order-00308', 'order-00309', 'order-00310', 'order-00311', 'order-00312', 'order-00313', 'order-00314', 'order-00315', 'order-00316', 'order-00317', 'order-00318', 'order-00319', 'order-00320', 'order-00321', 'order-00322', 'order-00323', 'order-00324', 'order-00325', 'order-00326', 'order-00327', 'order-00328', 'order-00329', 'order-00330', 'order-00331', 'order-00332', 'order-00333', 'order-00334', 'order-00335', 'order-00336', 'order-00337', 'order-00338', 'order-00339', 'order-00340', 'order-00341', 'order-00342', 'order-00343', 'order-00344', 'order-00345', 'order-00346', 'order-00347', 'order-00348', 'order-00349', 'order-00350', 'order-00351', 'order-00352', 'order-00353', 'order-00354', 'order-00355', 'order-00356', 'order-00357', 'order-00358', 'order-00359', 'order-00360', 'order-00361', 'order-00362', 'order-00363', 'order-00364', 'order-00365', 'order-00366', 'order-00367', 'order-00368', 'order-00369', 'order-00370', 'order-00371', 'order-00372', 'order-00373', 'order-00374', 'order-00375', 'order-00376', 'order-00377', 'order-00378', 'order-00379', 'order-00380', 'order-00381', 'order-00382', 'order-00383', 'order-00384', 'order-00385', 'order-00386', 'order-00387', 'order-00388', 'order-00389', 'order-00390', 'order-00391', 'order-00392', 'order-00393', 'order-00394', 'order-00395', 'order-00396', 'order-00397', 'order-00398', 'order-00399', 'order-00400', 'order-00401', 'order-00402', 'order-00403', 'order-00404', 'order-00405', 'order-00406', 'order-00407', 'order-00408', 'order-00409', 'order-00410', 'order-00411', 'order-00412', 'order-00413', 'order-00414', 'order-00415', 'order-00416', 'order-00417', 'order-00418', 'order-00419', 'order-00420', 'order-00421', 'order-00422', 'order-00423', 'order-00424', 'order-00425', 'order-00426', 'order-00427', 'order-00428', 'order-00429', 'order-00430', 'order-00431', 'order-00432', 'order-00433', 'order-00434', 'order-00435', 'order-00436', 'order-00437', 'order-00438', 'order-00439', 'order-00440', 'order-00441', 'order-00442', 'order-00443', 'order-00444', 'order-00445', 'order-00446', 'order-00447', 'order-00448', 'order-00449', 'order-00450', 'order-00451', 'order-00452', 'order-00453', 'order-00454', 'order-00455', 'order-00456', 'order-00457', 'order-00458', 'order-00459', 'order-00460', 'order-00461', 'order-00462', 'order-00463', 'order-00464', 'order-00465', 'order-00466', 'order-00467', 'order-00468', 'order-00469', 'order-00470', 'order-00471', 'order-00472', 'order-00473', 'order-00474', 'order-00475', 'order-00476', 'order-00477', 'order-00478', 'order-00479', 'order-00480', 'order-00481', 'order-00482', 'order-00483', 'order-00484', 'order-00485', 'order-00486', 'order-00487', 'order-00488', 'order-00489', 'order-00490', 'order-00491', 'order-00492', 'order-00493', 'order-00494', 'order-00495', 'order-00496', 'order-00497', 'order-00498', 'order-00499', 'order-00500', 'order-00501', 'order-00502', 'order-00503', 'order-00504', 'order-00505', 'order-00506', 'order-00507', 'order-00508', 'order-00509', 'order-00510', 'order-00511', 'order-00512', 'order-00513', 'order-00514', 'order-00515', 'order-00516', 'order-00517', 'order-00518', 'order-00519', 'order-00520', 'order-00521', 'order-00522', 'order-00523', 'order-00524', 'order-00525', 'order-00526', 'order-00527', 'order-00528', 'order-00529', 'order-00530', 'order-00531', 'order-00532', 'order-00533', 'order-00534', 'order-00535', 'order-00536', 'order-00537', 'order-00538', 'order-00539', 'order-00540', 'order-00541', 'order-00542', 'order-00543', 'order-00544', 'order-00545', 'order-00546', 'order-00547', 'order-00548', 'order-00549', 'order-00550', 'order-00551', 'order-00552', 'order-00553', 'order-00554', 'order-00555', 'order-00556', 'order-00557', 'order-00558', 'order-00559', 'order-00560', 'order-00561', 'order-00562', 'order-00563', 'order-00564', 'order-00565', 'order-00566', 'order-00567', 'order-00568', 'order-00569', 'order-00570', 'order-00571', 'order-00572', 'order-00573', 'order-00574', 'order-00575', 'order-00576', 'order-00577', 'order-00578', 'order-00579', 'order-00580', 'order-00581', 'order-00582', 'order-00583', 'order-00584', 'order-00585', 'order-00586', 'order-00587', 'order-00588', 'order-00589', 'order-00590', 'order-00591', 'order-00592', 'order-00593', 'order-00594', 'order-00595', 'order-00596', 'order-00597', 'order-00598', 'order-00599', 'order-00600', 'order-00601', 'order-00602', 'order-00603', 'order-00604', 'order-00605', 'order-00606', 'order-00607', 'order-00608', 'order-00609', 'order-00610', 'order-00611', 'order-00612', 'order-00613', 'order-00614', 'order-00615', 'order-00616', 'order-00617', 'order-00618', 'order-00619', 'order-00620', 'order-00621', 'order-00622', 'order-00623', 'order-00624', 'order-00625', 'order-00626', 'order-00627', 'order-00628', 'order-00629', 'order-00630', 'order-00631', 'order-00632', 'order-00633', 'order-00634', 'order-00635', 'order-00636', 'order-00637', 'order-00638', 'order-00639', 'order-00640', 'order-00641', 'order-00642', 'order-00643', 'order-00644', 'order-00645', 'order-00646', 'order-00647', 'order-00648', 'order-00649', 'order-00650', 'order-00651', 'order-00652', 'order-00653', 'order-00654', 'order-00655', 'order-00656', 'order-00657', 'order-00658', 'order-00659', 'order-00660', 'order-00661', 'order-00662', 'order-00663', 'order-00664', 'order-00665', 'order-00666', 'order-00667', 'order-00668', 'order-00669', 'order-00670', 'order-00671', 'order-00672', 'order-00673', 'order-00674', 'order-00675', 'order-00676', 'order-00677', 'order-00678', 'order-00679', 'order-00680', 'order-00681', 'order-00682', 'order-00683', 'order-00684', 'order-00685', 'order-00686', 'order-00687', 'order-00688', 'order-00689', 'order-00690', 'order-00691', 'order-00692', 'order-00693', 'order-00694', 'order-00695', 'order-00696', 'order-00697', 'order-00698', 'order-00699', 'order-00700', 'order-00701', 'order-00702', 'order-00703', 'order-00704', 'order-00705', 'order-00706', 'order-00707', 'order-00708', 'order-00709', 'order-00710', 'order-00711', 'order-00712', 'order-00713', 'order-00714', 'order-00715', 'order-00716', 'order-00717', 'order-00718', 'order-00719', 'order-00720', 'order-00721', 'order-00722', 'order-00723', 'order-00724', 'order-00725', 'order-00726', 'order-00727', 'order-00728', 'order-00729', 'order-00730', 'order-00731', 'order-00732', 'order-00733', 'order-00734', 'order-00735', 'order-00736', 'order-00737', 'order-00738', 'order-00739', 'order-00740', 'order-00741', 'order-00742', 'order-00743', 'order-00744', 'order-00745', 'order-00746', 'order-00747', 'order-00748', 'order-00749', 'order-00750', 'order-00751', 'order-00752', 'order-00753', 'order-00754', 'order-00755', 'order-00756', 'order-00757', 'order-00758', 'order-00759', 'order-00760', 'order-00761', 'order-00762', 'order-00763', 'order-00764', 'order-00765', 'order-00766', 'order-00767', 'order-00768', 'order-00769', 'order-00770', 'order-00771', 'order-00772', 'order-00773', 'order-00774', 'order-00775', 'order-00776', 'order-00777', 'order-00778', 'order-00779', 'order-00780', 'order-00781', 'order-00782', 'order-00783', 'order-00784', 'order-00785', 'order-00786', 'order-00787', 'order-00788', 'order-00789', 'order-00790', 'order-00791', 'order-00792', 'order-00793', 'order-00794', 'order-00795', 'order-00796', 'order-00797', 'order-00798', 'order-00799', 'order-00800', 'order-00801', 'order-00802', 'order-00803', 'order-00804', 'order-00805', 'order-00806', 'order-00807', 'order-00808', 'order-00809', 'order-00810', 'order-00811', 'order-00812', 'order-00813', 'order-00814', 'order-00815', 'order-00816', 'order-00817', 'order-00818', 'order-00819', 'order-00820', 'order-00821', 'order-00822', 'order-00823', 'order-00824', 'order-00825', 'order-00826', 'order-00827', 'order-00828', 'order-00829', 'order-00830', 'order-00831', 'order-00832', 'order-00833', 'order-00834', 'order-00835', 'order-00836', 'order-00837', 'order-00838', 'order-00839', 'order-00840', 'order-00841', 'order-00842', 'order-00843', 'order-00844', 'order-00845', 'order-00846', 'order-00847', 'order-00848', 'order-00849', 'order-00850', 'order-00851', 'order-00852', 'order-00853', 'order-00854', 'order-00855', 'order-00856', 'order-00857', 'order-00858', 'order-00859', 'order-00860', 'order-00861', 'order-00862', 'order-00863', 'order-00864', 'order-00865', 'order-00866', 'order-00867', 'order-00868', 'order-00869', 'order-00870', 'order-00871', 'order-00872', 'order-00873', 'order-00874', 'order-00875', 'order-00876', 'order-00877', 'order-00878', 'order-00879', 'order-00880', 'order-00881', 'order-00882', 'order-00883', 'order-00884', 'order-00885', 'order-00886', 'order-00887', 'order-00888', 'order-00889', 'order-00890', 'order-00891', 'order-00892', 'order-00893', 'order-00894', 'order-00895', 'order-00896', 'order-00897', 'order-00898', 'order-00899', 'order-00900', 'order-00901', 'order-00902', 'order-00903', 'order-00904', 'order-00905', 'order-00906', 'order-00907', 'order-00908', 'order-00909', 'order-00910', 'order-00911', 'order-00912', 'order-00913', 'order-00914', 'order-00915', 'order-00916', 'order-00917', 'order-00918', 'order-00919', 'order-00920', 'order-00921', 'order-00922', 'order-00923', 'order-00924', 'order-00925', 'order-00926', 'order-00927', 'order-00928', 'order-00929', 'order-00930', 'order-00931', 'order-00932', 'order-00933', 'order-00934', 'order-00935', 'order-00936', 'order-00937', 'order-00938', 'order-00939', 'order-00940', 'order-00941', 'order-00942', 'order-00943', 'order-00944', 'order-00945', 'order-00946', 'order-00947', 'order-00948', 'order-00949', 'order-00950', 'order-00951', 'order-00952', 'order-00953', 'order-00954', 'order-00955', 'order-00956', 'order-00957', 'order-00958', 'order-00959', 'order-00960', 'order-00961', 'order-00962', 'order-00963', 'order-00964', 'order-00965', 'order-00966', 'order-00967', 'order-00968', 'order-00969', 'order-00970', 'order-00971', 'order-00972', 'order-00973', 'order-00974', 'order-00975', 'order-00976', 'order-00977', 'order-00978', 'order-00979', 'order-00980', 'order-00981', 'order-00982', 'order-00983', 'order-00984', 'order-00985', 'order-00986', 'order-00987', 'order-00988', 'order-00989', 'order-00990', 'order-00991', 'order-00992', 'order-00993', 'order-00994', 'order-00995', 'order-00996', 'order-00997', 'order-00998', 'order-00999', 'order-01000', 'order-01001', 'order-01002', 'order-01003', 'order-01004', 'order-01005', 'order-01006', 'order-01007', 'order-01008', 'order-01009', 'order-01010', 'order-01011', 'order-01012', 'order-01013', 'order-01014', 'order-01015', 'order-01016', 'order-01017', 'order-01018', 'order-01019', 'order-01020', 'order-01021', 'order-01022', 'order-01023', 'order-01024', 'order-01025', 'order-01026', 'order-01027', 'order-01028', 'order-01029', 'order-01030', 'order-01031', 'order-01032', 'order-01033', 'order-01034', 'order-01035', 'order-01036', 'order-01037', 'order-01038', 'order-01039', 'order-01040', 'order-01041', 'order-01042', 'order-01043', 'order-01044', 'order-01045', 'order-01046', 'order-01047', 'order-01048', 'order-01049', 'order-01050', 'order-01051', 'order-01052', 'order-01053', 'order-01054', 'order-01055', 'order-01056', 'order-01057', 'order-01058', 'order-01059', 'order-01060', 'order-01061', 'order-01062', 'order-01063', 'order-01064', 'order-01065', 'order-01066', 'order-01067', 'order-01068', 'order-01069', 'order-01070', 'order-01071', 'order-01072', 'order-01073', 'order-01074', 'order-01075', 'order-01076', 'order-01077', 'order-01078', 'order-01079', 'order-01080', 'order-01081', 'order-01082', 'order-01083', 'order-01084', 'order-01085', 'order-01086', 'order-01087', 'order-01088', 'order-01089', 'order-01090', 'order-01091', 'order-01092', 'order-01093', 'order-01094', 'order-01095', 'order-01096', 'order-01097', 'order-01098', 'order-01099', 'order-01100', 'order-01101', 'order-01102', 'order-01103', 'order-01104', 'order-01105', 'order-01106', 'order-01107', 'order-01108', 'order-01109', 'order-01110', 'order-01111', 'order-01112', 'order-01113', 'order-01114', 'order-01115', 'order-01116', 'order-01117', 'order-01118', 'order-01119', 'order-01120', 'order-01121', 'order-01122', 'order-01123', 'order-01124', 'order-01125', 'order-01126', 'order-01127', 'order-01128', 'order-01129', 'order-01130', 'order-01131', 'order-01132', 'order-01133', 'order-01134', 'order-01135', 'order-01136', 'order-01137', 'order-01138', 'order-01139', 'order-01140', 'order-01141', 'order-01142', 'order-01143', 'order-01144', 'order-01145', 'order-01146', 'order-01147', 'order-01148', 'order-01149', 'order-01150', 'order-01151', 'order-01152', 'order-01153', 'order-01154', 'order-01155', 'order-01156', 'order-01157', 'order-01158', 'order-01159', 'order-01160', 'order-01161', 'order-01162', 'order-01163', 'order-01164', 'order-01165', 'order-01166', 'order-01167', 'order-01168', 'order-01169', 'order-01170', 'order-01171', 'order-01172', 'order-01173', 'order-01174', 'order-01175', 'order-01176', 'order-01177', 'order-01178', 'order-01179', 'order-01180', 'order-01181', 'order-01182', 'order-01183', 'order-01184', 'order-01185', 'order-01186', 'order-01187', 'order-01188', 'order-01189', 'order-01190', 'order-01191', 'order-01192', 'order-01193', 'order-01194', 'order-01195', 'order-01196', 'order-01197', 'order-01198', 'order-01199', 'order-01200', 'order-01201', 'order-01202', 'order-01203', 'order-01204', 'order-01205', 'order-01206', 'order-01207', 'order-01208', 'order-01209', 'order-01210', 'order-01211', 'order-01212', 'order-01213', 'order-01214', 'order-01215', 'order-01216', 'order-01217', 'order-01218', 'order-01219', 'order-01220', 'order-01221', 'order-01222', 'order-01223', 'order-01224', 'order-01225', 'order-01226', 'order-01227', 'order-01228', 'order-01229', 'order-01230', 'order-01231', 'order-01232', 'order-01233', 'order-01234', 'order-01235', 'order-01236', 'order-01237', 'order-01238', 'order-01239', 'order-01240', 'order-01241', 'order-01242', 'order-01243', 'order-01244', 'order-01245', 'order-01246', 'order-01247', 'order-01248', 'order-01249', 'order-01250', 'order-01251', 'order-01252', 'order-01253', 'order-01254', 'order-01255', 'order-01256', 'order-01257', 'order-01258', 'order-01259', 'order-01260', 'order-01261', 'order-01262', 'order-01263', 'order-01264', 'order-01265', 'order-01266', 'order-01267', 'order-01268', 'order-01269', 'order-01270', 'order-01271', 'order-01272', 'order-01273', 'order-01274', 'order-01275', 'order-01276', 'order-01277', 'order-01278', 'order-01279', 'order-01280', 'order-01281', 'order-01282', 'order-01283', 'order-01284', 'order-01285', 'order-01286', 'order-01287', 'order-01288', 'order-01289', 'order-01290', 'order-01291', 'order-01292', 'order-01293', 'order-01294', 'order-01295', 'order-01296', 'order-01297', 'order-01298', 'order-01299', 'order-01300', 'order-01301', 'order-01302', 'order-01303', 'order-01304', 'order-01305', 'order-01306', 'order-01307', 'order-01308', 'order-01309', 'order-01310', 'order-01311', 'order-01312', 'order-01313', 'order-01314', 'order-01315', 'order-01316', 'order-01317', 'order-01318', 'order-01319', 'order-01320', 'order-01321', 'order-01322', 'order-01323', 'order-01324', 'order-01325', 'order-01326', 'order-01327', 'order-01328', 'order-01329', 'order-01330', 'order-01331', 'order-01332', 'order-01333', 'order-01334', 'order-01335', 'order-01336', 'order-01337', 'order-01338', 'order-01339', 'order-01340', 'order-01341', 'order-01342', 'order-01343', 'order-01344', 'order-01345', 'order-01346', 'order-01347', 'order-01348', 'order-01349', 'order-01350', 'order-01351', 'order-01352', 'order-01353', 'order-01354', 'order-01355', 'order-01356', 'order-01357', 'order-01358', 'order-01359', 'order-01360', 'order-01361', 'order-01362', 'order-01363', 'order-01364', 'order-01365', 'order-01366', 'order-01367', 'order-01368', 'order-01369', 'order-01370', 'order-01371', 'order-01372', 'order-01373', 'order-01374', 'order-01375', 'order-01376', 'order-01377', 'order-01378', 'order-01379', 'order-01380', 'order-01381', 'order-01382', 'order-01383', 'order-01384', 'order-01385', 'order-01386', 'order-01387', 'order-01388', 'order-01389', 'order-01390', 'order-01391', 'order-01392', 'order-01393', 'order-01394', 'order-01395', 'order-01396', 'order-01397', 'order-01398', 'order-01399', 'order-01400', 'order-01401', 'order-01402', 'order-01403', 'order-01404', 'order-01405', 'order-01406', 'order-01407', 'order-01408', 'order-01409', 'order-01410', 'order-01411', 'order-01412', 'order-01413', 'order-01414', 'order-01415', 'order-01416', 'order-01417', 'order-01418', 'order-01419', 'order-01420', 'order-01421', 'order-01422', 'order-01423', 'order-01424', 'order-01425', 'order-01426', 'order-01427', 'order-01428', 'order-01429', 'order-01430', 'order-01431', 'order-01432', 'order-01433', 'order-01434', 'order-01435', 'order-01436', 'order-01437', 'order-01438', 'order-01439', 'order-01440', 'order-01441', 'order-01442', 'order-01443', 'order-01444', 'order-01445', 'order-01446', 'order-01447', 'order-01448', 'order-01449', 'order-01450', 'order-01451', 'order-01452', 'order-01453', 'order-01454', 'order-01455', 'order-01456', 'order-01457', 'order-01458', 'order-01459', 'order-01460', 'order-01461', 'order-01462', 'order-01463', 'order-01464', 'order-01465', 'order-01466', 'order-01467', 'order-01468', 'order-01469', 'order-01470', 'order-01471', 'order-01472', 'order-01473', 'order-01474', 'order-01475', 'order-01476', 'order-01477', 'order-01478', 'order-01479', 'order-01480', 'order-01481', 'order-01482', 'order-01483', 'order-01484', 'order-01485', 'order-01486', 'order-01487', 'order-01488', 'order-01489', 'order-01490', 'order-01491', 'order-01492', 'order-01493', 'order-01494', 'order-01495', 'order-01496', 'order-01497', 'order-01498', 'order-01499', 'order-01500', 'order-01501', 'order-01502', 'order-01503', 'order-01504', 'order-01505', 'order-01506', 'order-01507', 'order-01508', 'order-01509', 'order-01510', 'order-01511', 'order-01512', 'order-01513', 'order-01514', 'order-01515', 'order-01516', 'order-01517', 'order-01518', 'order-01519', 'order-01520', 'order-01521', 'order-01522', 'order-01523', 'order-01524', 'order-01525', 'order-01526', 'order-01527', 'order-01528', 'order-01529', 'order-01530', 'order-01531', 'order-01532', 'order-01533', 'order-01534', 'order-01535', 'order-01536', 'order-01537', 'order-01538', 'order-01539', 'order-01540', 'order-01541', 'order-01542', 'order-01543', 'order-01544', 'order-01545', 'order-01546', 'order-01547', 'order-01548', 'order-01549', 'order-01550', 'order-01551', 'order-01552', 'order-01553', 'order-01554', 'order-01555', 'order-01556', 'order-01557', 'order-01558', 'order-01559', 'order-01560', 'order-01561', 'order-01562', 'order-01563', 'order-01564', 'order-01565', 'order-01566', 'order-01567', 'order-01568', 'order-01569', 'order-01570', 'order-01571', 'order-01572', 'order-01573', 'order-01574', 'order-01575', 'order-01576', 'order-01577', 'order-01578', 'order-01579', 'order-01580', 'order-01581', 'order-01582', 'order-01583', 'order-01584', 'order-01585', 'order-01586', 'order-01587', 'order-01588', 'order-01589', 'order-01590', 'order-01591', 'order-01592', 'order-01593', 'order-01594', 'order-01595', 'order-01596', 'order-01597', 'order-01598', 'order-01599', 'order-01600', 'order-01601', 'order-01602', 'order-01603', 'order-01604', 'order-01605', 'order-01606', 'order-01607', 'order-01608', 'order-01609', 'order-01610', 'order-01611', 'order-01612', 'order-01613', 'order-01614', 'order-01615', 'order-01616', 'order-01617', 'order-01618', 'order-01619', 'order-01620', 'order-01621', 'order-01622', 'order-01623', 'order-01624', 'order-01625', 'order-01626', 'order-01627', 'order-01628', 'order-01629', 'order-01630', 'order-01631', 'order-01632', 'order-01633', 'order-01634', 'order-01635', 'order-01636', 'order-01637', 'order-01638', 'order-01639', 'order-01640', 'order-01641', 'order-01642', 'order-01643', 'order-01644', 'order-01645', 'order-01646', 'order-01647', 'order-01648', 'order-01649', 'order-01650', 'order-01651', 'order-01652', 'order-01653', 'order-01654', 'order-01655', 'order-01656', 'order-01657', 'order-01658', 'order-01659', 'order-01660', 'order-01661', 'order-01662', 'order-01663', 'order-01664', 'order-01665', 'order-01666', 'order-01667', 'order-01668', 'order-01669', 'order-01670', 'order-01671', 'order-01672', 'order-01673', 'order-01674', 'order-01675', 'order-01676', 'order-01677', 'order-01678', 'order-01679', 'order-01680', 'order-01681', 'order-01682', 'order-01683', 'order-01684', 'order-01685', 'order-01686', 'order-01687', 'order-01688', 'order-01689', 'order-01690', 'order-01691', 'order-01692', 'order-01693', 'order-01694', 'order-01695', 'order-01696', 'order-01697', 'order-01698', 'order-01699', 'order-01700', 'order-01701', 'order-01702', 'order-01703', 'order-01704', 'order-01705', 'order-01706', 'order-01707', 'order-01708', 'order-01709', 'order-01710', 'order-01711', 'order-01712', 'order-01713', 'order-01714', 'order-01715', 'order-01716', 'order-01717', 'order-01718', 'order-01719', 'order-01720', 'order-01721', 'order-01722', 'order-01723', 'order-01724', 'order-01725', 'order-01726', 'order-01727', 'order-01728', 'order-01729', 'order-01730', 'order-01731', 'order-01732', 'order-01733', 'order-01734', 'order-01735', 'order-01736', 'order-01737', 'order-01738', 'order-01739', 'order-01740', 'order-01741', 'order-01742', 'order-01743', 'order-01744', 'order-01745', 'order-01746', 'order-01747', 'order-01748', 'order-01749', 'order-01750', 'order-01751', 'order-01752', 'order-01753', 'order-01754', 'order-01755', 'order-01756', 'order-01757', 'order-01758', 'order-01759', 'order-01760', 'order-01761', 'order-01762', 'order-01763', 'order-01764', 'order-01765', 'order-01766', 'order-01767', 'order-01768', 'order-01769', 'order-01770', 'order-01771', 'order-01772', 'order-01773', 'order-01774', 'order-01775', 'order-01776', 'order-01777', 'order-01778', 'order-01779', 'order-01780', 'order-01781', 'order-01782', 'order-01783', 'order-01784', 'order-01785', 'order-01786', 'order-01787', 'order-01788', 'order-01789', 'order-01790', 'order-01791', 'order-01792', 'order-01793', 'order-01794', 'order-01795', 'order-01796', 'order-01797', 'order-01798', 'order-01799', 'order-01800', 'order-01801', 'order-01802', 'order-01803', 'order-01804', 'order-01805', 'order-01806', 'order-01807', 'order-01808', 'order-01809', 'order-01810', 'order-01811', 'order-01812', 'order-01813', 'order-01814', 'order-01815', 'order-01816', 'order-01817', 'order-01818', 'order-01819', 'order-01820', 'order-01821', 'order-01822', 'order-01823', 'order-01824', 'order-01825', 'order-01826', 'order-01827', 'order-01828', 'order-01829', 'order-01830', 'order-01831', 'order-01832', 'order-01833', 'order-01834', 'order-01835', 'order-01836', 'order-01837', 'order-01838', 'order-01839', 'order-01840', 'order-01841', 'order-01842', 'order-01843', 'order-01844', 'order-01845', 'order-01846', 'order-01847', 'order-01848', 'order-01849', 'order-01850', 'order-01851', 'order-01852', 'order-01853', 'order-01854', 'order-01855', 'order-01856', 'order-01857', 'order-01858', 'order-01859', 'order-01860', 'order-01861', 'order-01862', 'order-01863', 'order-01864', 'order-01865', 'order-01866', 'order-01867', 'order-01868', 'order-01869', 'order-01870', 'order-01871', 'order-01872', 'order-01873', 'order-01874', 'order-01875', 'order-01876', 'order-01877', 'order-01878', 'order-01879', 'order-01880', 'order-01881', 'order-01882', 'order-01883', 'order-01884', 'order-01885', 'order-01886', 'order-01887', 'order-01888', 'order-01889', 'order-01890', 'order-01891', 'order-01892', 'order-01893', 'order-01894', 'order-01895', 'order-01896', 'order-01897', 'order-01898', 'order-01899', 'order-01900', 'order-01901', 'order-01902', 'order-01903', 'order-01904', 'order-01905', 'order-01906', 'order-01907', 'order-01908', 'order-01909', 'order-01910', 'order-01911', 'order-01912', 'order-01913', 'order-01914', 'order-01915', 'order-01916', 'order-01917', 'order-01918', 'order-01919', 'order-01920', 'order-01921', 'order-01922', 'order-01923', 'order-01924', 'order-01925', 'order-01926', 'order-01927', 'order-01928', 'order-01929', 'order-01930', 'order-01931', 'order-01932', 'order-01933', 'order-01934', 'order-01935', 'order-01936', 'order-01937', 'order-01938', 'order-01939', 'order-01940', 'order-01941', 'order-01942', 'order-01943', 'order-01944', 'order-01945', 'order-01946', 'order-01947', 'order-01948', 'order-01949', 'order-01950', 'order-01951', 'order-01952', 'order-01953', 'order-01954', 'order-01955', 'order-01956', 'order-01957', 'order-01958', 'order-01959', 'order-01960', 'order-01961', 'order-01962', 'order-01963', 'order-01964', 'order-01965', 'order-01966', 'order-01967', 'order-01968', 'order-01969', 'order-01970', 'order-01971', 'order-01972', 'order-01973', 'order-01974', 'order-01975', 'order-01976', 'order-01977', 'order-01978', 'order-01979', 'order-01980', 'order-01981', 'order-01982', 'order-01983', 'order-01984', 'order-01985', 'order-01986', 'order-01987', 'order-01988', 'order-01989', 'order-01990', 'order-01991', 'order-01992', 'order-01993', 'order-01994', 'order-01995', 'order-01996', 'order-01997', 'order-01998', 'order-01999', 'order-02000', 'order-02001', 'order-02002', 'order-02003', 'order-02004', 'order-02005', 'order-02006', 'order-02007', 'order-02008', 'order-02009', 'order-02010', 'order-02011', 'order-02012', 'order-02013', 'order-02014', 'order-02015', 'order-02016', 'order-02017', 'order-02018', 'order-02019', 'order-02020', 'order-02021', 'order-02022', 'order-02023', 'order-02024', 'order-02025', 'order-02026', 'order-02027', 'order-02028', 'order-02029', 'order-02030', 'order-02031', 'order-02032', 'order-02033', 'order-02034', 'order-02035', 'order-02036', 'order-02037', 'order-02038', 'order-02039', 'order-02040', 'order-02041', 'order-02042', 'order-02043', 'order-02044', 'order-02045', 'order-02046', 'order-02047', 'order-02048', 'order-02049', 'order-02050', 'order-02051', 'order-02052', 'order-02053', 'order-02054', 'order-02055', 'order-02056', 'order-02057', 'order-02058', 'order-02059', 'order-02060', 'order-02061', 'order-02062', 'order-02063', 'order-02064', 'order-02065', 'order-02066', 'order-02067', 'order-02068', 'order-02069', 'order-02070', 'order-02071', 'order-02072', 'order-02073', 'order-02074', 'order-02075', 'order-02076', 'order-02077', 'order-02078', 'order-02079', 'order-02080', 'order-02081', 'order-02082', 'order-02083', 'order-02084', 'order-02085', 'order-02086', 'order-02087', 'order-02088', 'order-02089', 'order-02090', 'order-02091', 'order-02092', 'order-02093', 'order-02094', 'order-02095', 'order-02096', 'order-02097', 'order-02098', 'order-02099', 'order-02100', 'order-02101', 'order-02102', 'order-02103', 'order-02104', 'order-02105', 'order-02106', 'order-02107', 'order-02108', 'order-02109', 'order-02110', 'order-02111', 'order-02112', 'order-02113', 'order-02114', 'order-02115', 'order-02116', 'order-02117', 'order-02118', 'order-02119', 'order-02120', 'order-02121', 'order-02122', 'order-02123', 'order-02124', 'order-02125', 'order-02126', 'order-02127', 'order-02128', 'order-02129', 'order-02130', 'order-02131', 'order-02132', 'order-02133', 'order-02134', 'order-02135', 'order-02136', 'order-02137', 'order-02138', 'order-02139', 'order-02140', 'order-02141', 'order-02142', 'order-02143', 'order-02144', 'order-02145', 'order-02146', 'order-02147', 'order-02148', 'order-02149', 'order-02150', 'order-02151', 'order-02152', 'order-02153', 'order-02154', 'order-02155', 'order-02156', 'order-02157', 'order-02158', 'order-02159', 'order-02160', 'order-02161', 'order-02162', 'order-02163', 'order-02164', 'order-02165', 'order-02166', 'order-02167', 'order-02168', 'order-02169', 'order-02170', 'order-02171', 'order-02172', 'order-02173', 'order-02174', 'order-02175', 'order-02176', 'order-02177', 'order-02178', 'order-02179', 'order-02180', 'order-02181', 'order-02182', 'order-02183', 'order-02184', 'order-02185', 'order-02186', 'order-02187', 'order-02188', 'order-02189', 'order-02190', 'order-02191', 'order-02192', 'order-02193', 'order-02194', 'order-02195', 'order-02196', 'order-02197', 'order-02198', 'order-02199', 'order-02200', 'order-02201', 'order-02202', 'order-02203', 'order-02204', 'order-02205', 'order-02206', 'order-02207', 'order-02208', 'order-02209', 'order-02210', 'order-02211', 'order-02212', 'order-02213', 'order-02214', 'order-02215', 'order-02216', 'order-02217', 'order-02218', 'order-02219', 'order-02220', 'order-02221', 'order-02222', 'order-02223', 'order-02224', 'order-02225', 'order-02226', 'order-02227', 'order-02228', 'order-02229', 'order-02230', 'order-02231', 'order-02232', 'order-02233', 'order-02234', 'order-02235', 'order-02236', 'order-02237', 'order-02238', 'order-02239', 'order-02240', 'order-02241', 'order-02242', 'order-02243', 'order-02244', 'order-02245', 'order-02246', 'order-02247', 'order-02248', 'order-02249', 'order-02250', 'order-02251', 'order-02252', 'order-02253', 'order-02254', 'order-02255', 'order-02256', 'order-02257', 'order-02258', 'order-02259', 'order-02260', 'order-02261', 'order-02262', 'order-02263', 'order-02264', 'order-02265', 'order-02266', 'order-02267', 'order-02268', 'order-02269', 'order-02270', 'order-02271', 'order-02272', 'order-02273', 'order-02274', 'order-02275', 'order-02276', 'order-02277', 'order-02278', 'order-02279', 'order-02280', 'order-02281', 'order-02282', 'order-02283', 'order-02284', 'order-02285', 'order-02286', 'order-02287', 'order-02288', 'order-02289', 'order-02290', 'order-02291', 'order-02292', 'order-02293', 'order-02294', 'order-02295', 'order-02296', 'order-02297', 'order-02298', 'order-02299', 'order-02300', 'order-02301', 'order-02302', 'order-02303', 'order-02304', 'order-02305', 'order-02306', 'order-02307', 'order-02308', 'order-02309', 'order-02310', 'order-02311', 'order-02312', 'order-02313', 'order-02314', 'order-02315', 'order-02316', 'order-02317', 'order-02318', 'order-02319', 'order-02320', 'order-02321', 'order-02322', 'order-02323', 'order-02324', 'order-02325', 'order-02326', 'order-02327', 'order-02328', 'order-02329', 'order-02330', 'order-02331', 'order-02332', 'order-02333', 'order-02334', 'order-02335', 'order-02336', 'order-02337', 'order-02338', 'order-02339', 'order-02340', 'order-02341', 'order-02342', 'order-02343', 'order-02344', 'order-02345', 'order-02346', 'order-02347', 'order-02348', 'order-02349', 'order-02350', 'order-02351', 'order-02352', 'order-02353', 'order-02354', 'order-02355', 'order-02356', 'order-02357', 'order-02358', 'order-02359', 'order-02360', 'order-02361', 'order-02362', 'order-02363', 'order-02364', 'order-02365', 'order-02366', 'order-02367', 'order-02368', 'order-02369', 'order-02370', 'order-02371', 'order-02372', 'order-02373', 'order-02374', 'order-02375', 'order-02376', 'order-02377', 'order-02378', 'order-02379', 'order-02380', 'order-02381', 'order-02382', 'order-02383', 'order-02384', 'order-02385', 'order-02386', 'order-02387', 'order-02388', 'order-02389', 'order-02390', 'order-02391', 'order-02392', 'order-02393', 'order-02394', 'order-02395', 'order-02396', 'order-02397', 'order-02398', 'order-02399', 'order-02400', 'order-02401', 'order-02402', 'order-02403', 'order-02404', 'order-02405', 'order-02406', 'order-02407', 'order-02408', 'order-02409', 'order-02410', 'order-02411', 'order-02412', 'order-02413', 'order-02414', 'order-02415', 'order-02416', 'order-02417', 'order-02418', 'order-02419', 'order-02420', 'order-02421', 'order-02422', 'order-02423', 'order-02424', 'order-02425', 'order-02426', 'order-02427', 'order-02428', 'order-02429', 'order-02430', 'order-02431', 'order-02432', 'order-02433', 'order-02434', 'order-02435', 'order-02436', 'order-02437', 'order-02438', 'order-02439', 'order-02440', 'order-02441', 'order-02442', 'order-02443', 'order-02444', 'order-02445', 'order-02446', 'order-02447', 'order-02448', 'order-02449', 'order-02450', 'order-02451', 'order-02452', 'order-02453', 'order-02454', 'order-02455', 'order-02456', 'order-02457', 'order-02458', 'order-02459', 'order-02460', 'order-02461', 'order-02462', 'order-02463', 'order-02464', 'order-02465', 'order-02466', 'order-02467', 'order-02468', 'order-02469', 'order-02470', 'order-02471', 'order-02472', 'order-02473', 'order-02474', 'order-02475', 'order-02476', 'order-02477', 'order-02478', 'order-02479', 'order-02480', 'order-02481', 'order-02482', 'order-02483', 'order-02484', 'order-02485', 'order-02486', 'order-02487', 'order-02488', 'order-02489', 'order-02490', 'order-02491', 'order-02492', 'order-02493', 'order-02494', 'order-02495', 'order-02496', 'order-02497', 'order-02498', 'order-02499', 'shipped')
