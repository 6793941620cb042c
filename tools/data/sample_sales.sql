-- Bundled sample database for analyst: "Brightline Supply", a small retailer of computers, electronics
-- and office gear with seven shops and a web shop, 2023-01-01 .. 2025-12-31. All money is in USD.
-- Every generated row is a pure integer function of its row index: `rnd` is a multiply/xor-shift
-- integer mixer (no hash(), random() or setseed()), so every build has identical content.

CREATE TEMP MACRO mix32(x) AS (xor(x, x >> 16) * 73244475) % 4294967296;
CREATE TEMP MACRO rnd(n, salt) AS  -- 0 .. 65535
    mix32(mix32((n::BIGINT * 2654435769 + salt::BIGINT * 1013904223 + 12345) % 4294967296)) >> 16;

CREATE TABLE regions (
    region_id   INTEGER PRIMARY KEY,
    region_name VARCHAR NOT NULL UNIQUE
);
INSERT INTO regions VALUES (1, 'North America'), (2, 'Europe'), (3, 'Online');

CREATE TABLE stores (
    store_id   INTEGER PRIMARY KEY,
    store_name VARCHAR NOT NULL,
    store_type VARCHAR NOT NULL CHECK (store_type IN ('flagship', 'standard', 'outlet', 'online')),
    city       VARCHAR,
    country    VARCHAR,
    region_id  INTEGER NOT NULL REFERENCES regions (region_id),
    opened_on  DATE NOT NULL
);
INSERT INTO stores VALUES
    (1, 'Web Shop',            'online',   NULL,         NULL,             3, DATE '2019-03-01'),
    (2, 'New York Fifth Ave',  'flagship', 'New York',   'United States',  1, DATE '2015-05-12'),
    (3, 'Chicago Loop',        'standard', 'Chicago',    'United States',  1, DATE '2017-09-01'),
    (4, 'Austin Domain',       'standard', 'Austin',     'United States',  1, DATE '2019-11-15'),
    (5, 'Toronto Queen St',    'standard', 'Toronto',    'Canada',         1, DATE '2020-06-01'),
    (6, 'London Covent Garden','flagship', 'London',     'United Kingdom', 2, DATE '2016-03-21'),
    (7, 'Berlin Mitte',        'standard', 'Berlin',     'Germany',        2, DATE '2018-10-04'),
    (8, 'Manchester Outlet',   'outlet',   'Manchester', 'United Kingdom', 2, DATE '2024-04-15');

CREATE TABLE salespeople (
    salesperson_id INTEGER PRIMARY KEY,
    first_name     VARCHAR NOT NULL,
    last_name      VARCHAR NOT NULL,
    email          VARCHAR NOT NULL UNIQUE,
    title          VARCHAR NOT NULL CHECK (title IN ('Sales Director', 'Store Manager', 'Sales Associate')),
    store_id       INTEGER NOT NULL REFERENCES stores (store_id),
    manager_id     INTEGER REFERENCES salespeople (salesperson_id),
    hire_date      DATE NOT NULL,
    annual_quota   DECIMAL(12,2)
);
-- Three statements: DuckDB checks a self-referencing key before the rows of the same statement exist.
INSERT INTO salespeople VALUES
    (1, 'Margaret', 'Okafor', 'margaret.okafor@brightline.example', 'Sales Director', 2, NULL, DATE '2014-06-02', NULL);
INSERT INTO salespeople VALUES
    (2, 'Daniel',  'Reyes',     'daniel.reyes@brightline.example',     'Store Manager', 2, 1, DATE '2015-04-20',  45000.00),
    (3, 'Priya',   'Raman',     'priya.raman@brightline.example',      'Store Manager', 3, 1, DATE '2017-08-01',  30000.00),
    (4, 'Tom',     'Whitaker',  'tom.whitaker@brightline.example',     'Store Manager', 4, 1, DATE '2019-10-01',  25000.00),
    (5, 'Chloe',   'Tremblay',  'chloe.tremblay@brightline.example',   'Store Manager', 5, 1, DATE '2020-05-04',  20000.00),
    (6, 'Oliver',  'Hughes',    'oliver.hughes@brightline.example',    'Store Manager', 6, 1, DATE '2016-02-01',  40000.00),
    (7, 'Lena',    'Schneider', 'lena.schneider@brightline.example',   'Store Manager', 7, 1, DATE '2018-09-03',  40000.00),
    (8, 'Aisha',   'Patel',     'aisha.patel@brightline.example',      'Store Manager', 8, 1, DATE '2024-03-01',  20000.00);
INSERT INTO salespeople VALUES
    (9,  'Marcus',  'Bell',     'marcus.bell@brightline.example',      'Sales Associate', 2, 2, DATE '2019-01-14',  50000.00),
    (10, 'Sofia',   'Lindqvist','sofia.lindqvist@brightline.example',  'Sales Associate', 3, 3, DATE '2023-07-10',  45000.00),
    (11, 'Jamal',   'Carter',   'jamal.carter@brightline.example',     'Sales Associate', 4, 4, DATE '2020-02-17',  35000.00),
    (12, 'Emily',   'Nguyen',   'emily.nguyen@brightline.example',     'Sales Associate', 5, 5, DATE '2021-08-23',  15000.00),
    (13, 'Harry',   'Fletcher', 'harry.fletcher@brightline.example',   'Sales Associate', 6, 6, DATE '2018-05-08',  45000.00),
    (14, 'Jonas',   'Becker',   'jonas.becker@brightline.example',     'Sales Associate', 7, 7, DATE '2021-03-01',  40000.00),
    (15, 'Grace',   'Doyle',    'grace.doyle@brightline.example',      'Sales Associate', 8, 8, DATE '2024-03-18',  15000.00);

CREATE TABLE suppliers (
    supplier_id    INTEGER PRIMARY KEY,
    supplier_name  VARCHAR NOT NULL UNIQUE,
    country        VARCHAR NOT NULL,
    contact_email  VARCHAR NOT NULL,
    lead_time_days INTEGER NOT NULL
);
INSERT INTO suppliers VALUES
    (1, 'Dellmark Computing', 'United States',  'orders@dellmark.example',    14),
    (2, 'Kestrel Displays',   'Taiwan',         'sales@kestrel.example',      30),
    (3, 'Soundwave Audio',    'Denmark',        'b2b@soundwave.example',      21),
    (4, 'Linkpoint Networks', 'United States',  'supply@linkpoint.example',   10),
    (5, 'Vaultline Storage',  'South Korea',    'orders@vaultline.example',   28),
    (6, 'Ergoform Furniture', 'Germany',        'trade@ergoform.example',     35),
    (7, 'Paperstack Office',  'United Kingdom', 'hello@paperstack.example',    7),
    (8, 'Codecraft Software', 'Canada',         'partners@codecraft.example',  1);

CREATE TABLE categories (
    category_id   INTEGER PRIMARY KEY,
    category_name VARCHAR NOT NULL UNIQUE,
    department    VARCHAR NOT NULL CHECK (department IN ('Computing', 'Electronics', 'Office'))
);
INSERT INTO categories VALUES
    (1, 'Laptops', 'Computing'), (2, 'Monitors', 'Computing'), (3, 'Peripherals', 'Computing'),
    (4, 'Audio', 'Electronics'), (5, 'Networking', 'Electronics'), (6, 'Storage', 'Electronics'),
    (7, 'Furniture', 'Office'), (8, 'Software', 'Computing');

CREATE TABLE products (
    product_id      INTEGER PRIMARY KEY,
    sku             VARCHAR NOT NULL UNIQUE,
    product_name    VARCHAR NOT NULL,
    category_id     INTEGER NOT NULL REFERENCES categories (category_id),
    supplier_id     INTEGER NOT NULL REFERENCES suppliers (supplier_id),
    unit_price      DECIMAL(12,2) NOT NULL,
    unit_cost       DECIMAL(12,2) NOT NULL,
    launched_on     DATE NOT NULL,
    discontinued_on DATE
);
INSERT INTO products VALUES
    (1,  'LAP-1001', 'Aero 13 Laptop',                  1, 1, 1099.00,  780.00, DATE '2021-09-01', NULL),
    (2,  'LAP-1002', 'Aero 15 Laptop',                  1, 1, 1399.00,  990.00, DATE '2021-09-01', NULL),
    (3,  'LAP-1003', 'ProBook 14',                      1, 1, 1649.00, 1180.00, DATE '2022-02-15', NULL),
    (4,  'LAP-1004', 'ProBook 16',                      1, 1, 1999.00, 1420.00, DATE '2022-02-15', NULL),
    (5,  'LAP-1005', 'Student Chromebook 11',           1, 1,  329.00,  215.00, DATE '2020-08-01', DATE '2024-06-30'),
    (6,  'LAP-1006', 'Aero 13 Laptop Gen 2',            1, 1, 1149.00,  800.00, DATE '2024-07-01', NULL),
    (7,  'LAP-1007', 'ProBook 14 AI Edition',           1, 1, 1899.00, 1330.00, DATE '2025-03-01', NULL),
    (8,  'MON-2001', '24-inch Full HD Monitor',         2, 2,  169.00,   98.00, DATE '2020-01-15', NULL),
    (9,  'MON-2002', '27-inch QHD Monitor',             2, 2,  299.00,  182.00, DATE '2021-04-01', NULL),
    (10, 'MON-2003', '27-inch 4K Monitor',              2, 2,  449.00,  290.00, DATE '2021-10-01', NULL),
    (11, 'MON-2004', '34-inch Ultrawide Monitor',       2, 2,  649.00,  420.00, DATE '2022-03-01', NULL),
    (12, 'MON-2005', '32-inch 4K Pro Monitor',          2, 2,  899.00,  590.00, DATE '2023-09-01', NULL),
    (13, 'MON-2006', 'Portable 15-inch USB-C Monitor',  2, 2,  229.00,  130.00, DATE '2022-06-01', NULL),
    (14, 'MON-2007', '22-inch Office Monitor',          2, 2,  129.00,   80.00, DATE '2019-05-01', DATE '2024-01-31'),
    (15, 'PER-3001', 'Wireless Mouse',                  3, 1,   29.00,   11.00, DATE '2020-02-01', NULL),
    (16, 'PER-3002', 'Ergonomic Mouse',                 3, 1,   59.00,   24.00, DATE '2021-01-10', NULL),
    (17, 'PER-3003', 'Mechanical Keyboard',             3, 1,  119.00,   52.00, DATE '2021-05-01', NULL),
    (18, 'PER-3004', 'Slim Wireless Keyboard',          3, 1,   69.00,   28.00, DATE '2020-02-01', NULL),
    (19, 'PER-3005', 'USB-C Docking Station',           3, 1,  229.00,  120.00, DATE '2021-11-01', NULL),
    (20, 'PER-3006', 'HD Webcam',                       3, 1,   79.00,   33.00, DATE '2020-04-01', NULL),
    (21, 'PER-3007', '4K Webcam',                       3, 1,  159.00,   75.00, DATE '2024-02-01', NULL),
    (22, 'PER-3008', 'Laptop Backpack',                 3, 7,   89.00,   35.00, DATE '2021-08-15', NULL),
    (23, 'AUD-4001', 'Noise-Cancelling Headphones',     4, 3,  299.00,  150.00, DATE '2021-10-01', NULL),
    (24, 'AUD-4002', 'Wireless Earbuds',                4, 3,  149.00,   62.00, DATE '2021-03-01', NULL),
    (25, 'AUD-4003', 'USB Conference Speakerphone',     4, 3,  199.00,   95.00, DATE '2020-09-01', NULL),
    (26, 'AUD-4004', 'Office Headset Mono',             4, 3,   89.00,   38.00, DATE '2020-01-15', NULL),
    (27, 'AUD-4005', 'Office Headset Stereo',           4, 3,  109.00,   46.00, DATE '2020-01-15', NULL),
    (28, 'AUD-4006', 'Bluetooth Desk Speaker',          4, 3,   79.00,   31.00, DATE '2022-04-01', NULL),
    (29, 'AUD-4007', 'Wireless Earbuds Pro',            4, 3,  219.00,   95.00, DATE '2025-01-15', NULL),
    (30, 'NET-5001', 'Wi-Fi 6 Router',                  5, 4,  179.00,   96.00, DATE '2021-02-01', NULL),
    (31, 'NET-5002', 'Mesh Wi-Fi System 3-Pack',        5, 4,  349.00,  190.00, DATE '2021-09-01', NULL),
    (32, 'NET-5003', '8-Port Gigabit Switch',           5, 4,   49.00,   21.00, DATE '2019-06-01', NULL),
    (33, 'NET-5004', '24-Port Managed Switch',          5, 4,  329.00,  175.00, DATE '2020-11-01', NULL),
    (34, 'NET-5005', 'Wi-Fi 7 Router',                  5, 4,  299.00,  165.00, DATE '2024-10-01', NULL),
    (35, 'NET-5006', 'Powerline Adapter Kit',           5, 4,   89.00,   40.00, DATE '2019-03-01', DATE '2024-12-31'),
    (36, 'NET-5007', 'Cat6 Patch Cable 3m 10-Pack',     5, 7,   24.00,    8.00, DATE '2019-01-01', NULL),
    (37, 'STO-6001', 'Portable SSD 1TB',                6, 5,  119.00,   62.00, DATE '2021-06-01', NULL),
    (38, 'STO-6002', 'Portable SSD 2TB',                6, 5,  199.00,  108.00, DATE '2021-06-01', NULL),
    (39, 'STO-6003', 'External HDD 4TB',                6, 5,  109.00,   64.00, DATE '2020-03-01', NULL),
    (40, 'STO-6004', 'NAS 2-Bay',                       6, 5,  299.00,  170.00, DATE '2021-01-20', NULL),
    (41, 'STO-6005', 'NAS 4-Bay',                       6, 5,  549.00,  320.00, DATE '2021-01-20', NULL),
    (42, 'STO-6006', 'USB Flash Drive 128GB',           6, 5,   19.00,    6.00, DATE '2020-01-01', NULL),
    (43, 'STO-6007', 'microSD Card 256GB',              6, 5,   29.00,   11.00, DATE '2021-07-01', NULL),
    (44, 'STO-6008', 'Portable SSD 4TB',                6, 5,  329.00,  185.00, DATE '2024-05-01', NULL),
    (45, 'FUR-7001', 'Ergonomic Office Chair',          7, 6,  449.00,  230.00, DATE '2020-05-01', NULL),
    (46, 'FUR-7002', 'Executive Office Chair',          7, 6,  699.00,  360.00, DATE '2020-05-01', NULL),
    (47, 'FUR-7003', 'Electric Standing Desk 140cm',    7, 6,  599.00,  310.00, DATE '2021-02-15', NULL),
    (48, 'FUR-7004', 'Electric Standing Desk 180cm',    7, 6,  799.00,  420.00, DATE '2021-02-15', NULL),
    (49, 'FUR-7005', 'Dual Monitor Arm',                7, 6,  129.00,   55.00, DATE '2020-10-01', NULL),
    (50, 'FUR-7006', 'Filing Cabinet 3-Drawer',         7, 6,  219.00,  105.00, DATE '2019-01-01', NULL),
    (51, 'FUR-7007', 'LED Desk Lamp',                   7, 7,   49.00,   18.00, DATE '2019-01-01', NULL),
    (52, 'FUR-7008', 'Adjustable Footrest',             7, 7,   39.00,   14.00, DATE '2019-01-01', NULL),
    (53, 'SFT-8001', 'Office Suite Annual License',     8, 8,   99.00,   40.00, DATE '2019-01-01', NULL),
    (54, 'SFT-8002', 'Antivirus Annual License',        8, 8,   49.00,   12.00, DATE '2019-01-01', NULL),
    (55, 'SFT-8003', 'Cloud Backup 1TB Annual',         8, 8,   69.00,   22.00, DATE '2020-06-01', NULL),
    (56, 'SFT-8004', 'Password Manager Team 5 Seats',   8, 8,  149.00,   45.00, DATE '2021-04-01', NULL),
    (57, 'SFT-8005', 'PDF Editor Pro License',          8, 8,  129.00,   30.00, DATE '2019-01-01', NULL),
    (58, 'SFT-8006', 'Video Editing Suite',             8, 8,  249.00,   70.00, DATE '2020-09-01', NULL),
    (59, 'SFT-8007', 'Project Planner Cloud Annual',    8, 8,  199.00,   60.00, DATE '2023-05-01', NULL),
    (60, 'SFT-8008', 'AI Writing Assistant Annual',     8, 8,  179.00,   50.00, DATE '2024-11-01', NULL);

CREATE TABLE customers (
    customer_id   INTEGER PRIMARY KEY,
    first_name    VARCHAR NOT NULL,
    last_name     VARCHAR NOT NULL,
    company_name  VARCHAR,
    email         VARCHAR NOT NULL UNIQUE,
    segment       VARCHAR NOT NULL CHECK (segment IN ('consumer', 'small_business', 'enterprise')),
    city          VARCHAR NOT NULL,
    country       VARCHAR NOT NULL,
    home_store_id INTEGER NOT NULL REFERENCES stores (store_id),
    signup_date   DATE NOT NULL
);

CREATE TABLE orders (
    order_id       INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers (customer_id),
    store_id       INTEGER NOT NULL REFERENCES stores (store_id),
    salesperson_id INTEGER REFERENCES salespeople (salesperson_id),
    order_date     DATE NOT NULL,
    ordered_at     TIMESTAMP NOT NULL,
    channel        VARCHAR NOT NULL CHECK (channel IN ('in_store', 'online', 'phone')),
    status         VARCHAR NOT NULL CHECK (status IN ('completed', 'returned', 'cancelled')),
    payment_method VARCHAR NOT NULL CHECK (payment_method IN ('card', 'cash', 'paypal', 'invoice'))
);

CREATE TABLE order_items (
    order_id     INTEGER NOT NULL REFERENCES orders (order_id),
    line_number  INTEGER NOT NULL,
    product_id   INTEGER NOT NULL REFERENCES products (product_id),
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    unit_price   DECIMAL(12,2) NOT NULL,
    discount_pct DECIMAL(5,2) NOT NULL,
    line_total   DECIMAL(12,2) NOT NULL,
    PRIMARY KEY (order_id, line_number)
);

CREATE TABLE returns (
    return_id     INTEGER PRIMARY KEY,
    order_id      INTEGER NOT NULL,
    line_number   INTEGER NOT NULL,
    returned_on   DATE NOT NULL,
    quantity      INTEGER NOT NULL,
    reason        VARCHAR NOT NULL,
    refund_amount DECIMAL(12,2) NOT NULL,
    FOREIGN KEY (order_id, line_number) REFERENCES order_items (order_id, line_number)
);

-- Descriptions for analysts (and for the model that writes SQL from plain-language questions).
COMMENT ON TABLE regions IS 'Sales regions that group stores. One row per region.';
COMMENT ON COLUMN regions.region_name IS 'Region name: North America, Europe, or Online (the web shop).';
COMMENT ON TABLE stores IS 'Selling locations: six physical shops, one outlet and the web shop (store_id 1). One row per store.';
COMMENT ON COLUMN stores.store_id IS 'Store identifier; 1 is the Web Shop that takes every online order.';
COMMENT ON COLUMN stores.store_name IS 'Display name of the store, e.g. London Covent Garden.';
COMMENT ON COLUMN stores.store_type IS 'One of flagship, standard, outlet, online.';
COMMENT ON COLUMN stores.city IS 'City of a physical store; NULL for the web shop.';
COMMENT ON COLUMN stores.country IS 'Country of a physical store (United States, Canada, United Kingdom, Germany); NULL for the web shop.';
COMMENT ON COLUMN stores.region_id IS 'Sales region of the store; references regions.';
COMMENT ON COLUMN stores.opened_on IS 'Date the store opened; Manchester Outlet opened 2024-04-15 and has no earlier orders.';
COMMENT ON TABLE salespeople IS 'Sales staff of the physical stores: one Sales Director, a Store Manager and a Sales Associate per store. One row per person.';
COMMENT ON COLUMN salespeople.email IS 'Work email address (fictional).';
COMMENT ON COLUMN salespeople.title IS 'Job title: Sales Director, Store Manager or Sales Associate.';
COMMENT ON COLUMN salespeople.store_id IS 'Store the person works at; references stores.';
COMMENT ON COLUMN salespeople.manager_id IS 'Salesperson this person reports to; NULL for the Sales Director.';
COMMENT ON COLUMN salespeople.hire_date IS 'First working day; a person has no orders before this date.';
COMMENT ON COLUMN salespeople.annual_quota IS 'Yearly sales target in USD (net of discounts); NULL for the Sales Director.';
COMMENT ON TABLE suppliers IS 'Companies the products are bought from. One row per supplier.';
COMMENT ON COLUMN suppliers.supplier_name IS 'Supplier company name.';
COMMENT ON COLUMN suppliers.country IS 'Country the supplier ships from.';
COMMENT ON COLUMN suppliers.contact_email IS 'Purchasing contact address (fictional).';
COMMENT ON COLUMN suppliers.lead_time_days IS 'Typical days from purchase order to delivery.';
COMMENT ON TABLE categories IS 'Product categories, each in one department. One row per category.';
COMMENT ON COLUMN categories.category_name IS 'Laptops, Monitors, Peripherals, Audio, Networking, Storage, Furniture or Software.';
COMMENT ON COLUMN categories.department IS 'Department grouping categories: Computing, Electronics or Office.';
COMMENT ON TABLE products IS 'Product catalogue. One row per product (SKU).';
COMMENT ON COLUMN products.sku IS 'Stock keeping unit code, e.g. LAP-1001; unique.';
COMMENT ON COLUMN products.product_name IS 'Product name as shown to customers.';
COMMENT ON COLUMN products.category_id IS 'Product category; references categories.';
COMMENT ON COLUMN products.supplier_id IS 'Supplier of the product; references suppliers.';
COMMENT ON COLUMN products.unit_price IS 'Current list price per unit in USD (valid from 2025-01-01; 2023-2024 prices were about 5% lower, see order_items.unit_price).';
COMMENT ON COLUMN products.unit_cost IS 'Purchase cost per unit in USD; margin = price - cost.';
COMMENT ON COLUMN products.launched_on IS 'First day the product could be sold.';
COMMENT ON COLUMN products.discontinued_on IS 'Last day the product could be sold; NULL while still on sale.';
COMMENT ON TABLE customers IS 'People and businesses that have an account. One row per customer; some have never ordered.';
COMMENT ON COLUMN customers.customer_id IS 'Customer identifier.';
COMMENT ON COLUMN customers.first_name IS 'Given name of the customer or, for businesses, of the contact person.';
COMMENT ON COLUMN customers.last_name IS 'Family name of the customer or contact person.';
COMMENT ON COLUMN customers.company_name IS 'Business name for small_business and enterprise customers; NULL for consumers.';
COMMENT ON COLUMN customers.email IS 'Contact email address (fictional); unique.';
COMMENT ON COLUMN customers.segment IS 'Customer segment: consumer, small_business or enterprise.';
COMMENT ON COLUMN customers.city IS 'City the customer lives or is based in.';
COMMENT ON COLUMN customers.country IS 'Country: United States, Canada, United Kingdom, Germany or France.';
COMMENT ON COLUMN customers.home_store_id IS 'Store the customer usually buys from; 1 (Web Shop) for online-only customers and all of France.';
COMMENT ON COLUMN customers.signup_date IS 'Date the customer account was created.';
COMMENT ON TABLE orders IS 'Order headers, 2023-01-01 to 2025-12-31. One row per order; the lines are in order_items.';
COMMENT ON COLUMN orders.order_id IS 'Order identifier, increasing with order date.';
COMMENT ON COLUMN orders.customer_id IS 'Customer who placed the order; references customers.';
COMMENT ON COLUMN orders.store_id IS 'Store credited with the sale; 1 (Web Shop) for every online order.';
COMMENT ON COLUMN orders.salesperson_id IS 'Salesperson credited with the sale; NULL for online orders.';
COMMENT ON COLUMN orders.order_date IS 'Calendar date of the order (store local time).';
COMMENT ON COLUMN orders.ordered_at IS 'Date and time the order was placed (store local time, no time zone).';
COMMENT ON COLUMN orders.channel IS 'How the order was placed: in_store, online or phone.';
COMMENT ON COLUMN orders.status IS 'completed (counts as revenue), returned (fully refunded, see returns) or cancelled (never shipped, no revenue).';
COMMENT ON COLUMN orders.payment_method IS 'card, cash, paypal or invoice.';
COMMENT ON TABLE order_items IS 'Order lines: one row per product in an order. Revenue = sum(line_total) over orders with status completed.';
COMMENT ON COLUMN order_items.order_id IS 'Order the line belongs to; references orders.';
COMMENT ON COLUMN order_items.line_number IS 'Position of the line within its order, starting at 1.';
COMMENT ON COLUMN order_items.product_id IS 'Product sold; references products.';
COMMENT ON COLUMN order_items.quantity IS 'Units sold on this line.';
COMMENT ON COLUMN order_items.unit_price IS 'List price per unit in USD on the order date, before discount.';
COMMENT ON COLUMN order_items.discount_pct IS 'Discount in percent (0-100): 5 small_business, 10 enterprise, 15 for everyone from 24 to 30 November.';
COMMENT ON COLUMN order_items.line_total IS 'Amount charged in USD: quantity * unit_price * (1 - discount_pct / 100), rounded to cents.';
COMMENT ON TABLE returns IS 'Refunded order lines. Only orders with status returned have rows here, one per line.';
COMMENT ON COLUMN returns.order_id IS 'Order of the returned line; with line_number references order_items.';
COMMENT ON COLUMN returns.line_number IS 'Line of the order that was returned.';
COMMENT ON COLUMN returns.returned_on IS 'Date the goods came back, 3 to 28 days after the order.';
COMMENT ON COLUMN returns.quantity IS 'Units returned (always the full line quantity).';
COMMENT ON COLUMN returns.reason IS 'defective, wrong_item, no_longer_needed, damaged_in_transit or better_price_found.';
COMMENT ON COLUMN returns.refund_amount IS 'Amount refunded in USD; equals the line_total of the returned line.';

-- Generated rows. Staging tables are TEMP and dropped at the end, so only the tables above persist.
CREATE TEMP TABLE stg_customers AS
WITH c AS (
    SELECT i, rnd(i, 1) % 20 AS cc, rnd(i, 2) % 20 AS sg, rnd(i, 6) % 5 = 0 AS online_only
    FROM range(1, 201) t(i)
), named AS (
    SELECT i, online_only,
        CASE WHEN cc < 9 THEN 'United States' WHEN cc < 11 THEN 'Canada' WHEN cc < 15 THEN 'United Kingdom'
             WHEN cc < 18 THEN 'Germany' ELSE 'France' END AS country,
        CASE WHEN sg < 2 THEN 'enterprise' WHEN sg < 6 THEN 'small_business' ELSE 'consumer' END AS segment,
        ['James', 'Mary', 'Robert', 'Linda', 'Michael', 'Sarah', 'David', 'Emma', 'Lucas', 'Olivia', 'Noah', 'Mia',
         'Ethan', 'Ava', 'Liam', 'Isabella', 'Mateo', 'Chloe', 'Felix', 'Hannah', 'Leon', 'Clara', 'Hugo', 'Camille',
         'Arjun', 'Fatima', 'Kenji', 'Yuki', 'Omar', 'Zoe', 'Samuel', 'Grace', 'Ravi', 'Ingrid', 'Pablo', 'Nora',
         'Theo', 'Amelia', 'Diego', 'Leah'][1 + rnd(i, 3) % 40] AS first_name,
        ['Smith', 'Johnson', 'Brown', 'Garcia', 'Miller', 'Davis', 'Wilson', 'Taylor', 'Anderson', 'Thomas', 'Martin',
         'Lee', 'Walker', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Hill', 'Campbell',
         'Mitchell', 'Roberts', 'Evans', 'Turner', 'Murphy', 'Cooper', 'Ward', 'Fischer', 'Weber', 'Wagner', 'Dubois',
         'Moreau', 'Laurent', 'Singh', 'Khan', 'Chen', 'Kowalski'][1 + rnd(i, 4) % 40] AS last_name,
        ['Northwind', 'Bluebird', 'Summit', 'Harbor', 'Pinnacle', 'Cedar', 'Atlas', 'Evergreen', 'Ironwood', 'Lakeside',
         'Redstone', 'Silverline', 'Brightpath', 'Oakridge', 'Granite', 'Meridian'][1 + rnd(i, 9) % 16] || ' ' ||
        ['Logistics', 'Consulting', 'Architects', 'Dental', 'Media', 'Labs', 'Partners', 'Engineering', 'Health',
         'Studios'][1 + rnd(i, 10) % 10] AS company_base,
        rnd(i, 5) AS r5, rnd(i, 7) % 3 AS r7
    FROM c
)
SELECT i AS customer_id, first_name, last_name, segment, country,
    CASE WHEN segment <> 'consumer' THEN company_base || CASE country WHEN 'United Kingdom' THEN ' Ltd'
        WHEN 'Germany' THEN ' GmbH' WHEN 'France' THEN ' SARL' ELSE ' Inc.' END END AS company_name,
    lower(first_name || '.' || last_name) || '.' || i || '@example.' || CASE WHEN segment = 'consumer' THEN 'com' ELSE 'org' END AS email,
    CASE WHEN online_only OR country = 'France' THEN 1
         WHEN country = 'United States' THEN 2 + r5 % 3
         WHEN country = 'Canada' THEN 5
         WHEN country = 'United Kingdom' THEN CASE WHEN r5 % 3 = 0 THEN 8 ELSE 6 END
         ELSE 7 END AS home_store_id,
    CASE country WHEN 'United States' THEN ['Seattle', 'Denver', 'Boston'] WHEN 'Canada' THEN ['Vancouver', 'Montreal', 'Calgary']
         WHEN 'United Kingdom' THEN ['Leeds', 'Bristol', 'Edinburgh'] WHEN 'Germany' THEN ['Munich', 'Hamburg', 'Cologne']
         ELSE ['Paris', 'Lyon', 'Marseille'] END[1 + r7] AS remote_city
FROM named;

-- ~0.75 orders a day in 2023 rising to ~1.05 in 2025, with a November/December peak.
CREATE TEMP TABLE stg_orders AS
WITH slots AS (
    SELECT d, k, DATE '2023-01-01' + d::INTEGER AS order_date
    FROM range(1096) t(d), range(2) s(k)
), kept AS (
    SELECT *, year(order_date) - 2023 AS yi FROM slots
    WHERE (k = 0 AND rnd(d, 20) % 100 < 55 + 10 * (year(order_date) - 2023))
       OR (k = 1 AND rnd(d, 21) % 100 < 20 + 5 * (year(order_date) - 2023) + CASE WHEN month(order_date) >= 11 THEN 30 ELSE 0 END)
), numbered AS (
    SELECT row_number() OVER (ORDER BY d, k)::INTEGER AS order_id, order_date, yi FROM kept
), picked AS (
    SELECT n.*, 1 + ((((rnd(order_id, 30) % 1000) * (rnd(order_id, 30) % 1000 + 250)) // 6600) * 73) % 200 AS customer_id,
        rnd(order_id, 31) % 100 AS r_channel, rnd(order_id, 32) % 20 AS r_person, rnd(order_id, 33) % 100 AS r_status,
        rnd(order_id, 34) % 100 AS r_pay, rnd(order_id, 35) AS r_time
    FROM numbered n
), routed AS (
    SELECT p.*, c.segment,
        CASE WHEN c.home_store_id = 1 OR r_channel < 25 + 5 * yi THEN 'online'
             WHEN r_channel < 35 + 5 * yi THEN 'phone' ELSE 'in_store' END AS channel,
        CASE WHEN c.home_store_id = 8 AND order_date < DATE '2024-04-15' THEN 6 ELSE c.home_store_id END AS home_store
    FROM picked p JOIN stg_customers c USING (customer_id)
)
SELECT order_id, customer_id, segment, order_date, channel,
    CASE WHEN channel = 'online' THEN 1 ELSE home_store END AS store_id,
    CASE WHEN channel = 'online' THEN NULL WHEN r_person >= 13 OR sp.hire_date > order_date THEN home_store
         ELSE home_store + 7 END AS salesperson_id,
    order_date + to_seconds(CASE WHEN channel = 'online' THEN r_time % 86400 ELSE 9 * 3600 + r_time % 36000 END) AS ordered_at,
    CASE WHEN r_status < 4 THEN 'cancelled' WHEN r_status < 11 AND order_date <= DATE '2025-12-01' THEN 'returned'
         ELSE 'completed' END AS status,
    CASE WHEN segment = 'enterprise' AND channel <> 'online' THEN 'invoice'
         WHEN channel = 'online' THEN CASE WHEN r_pay < 70 THEN 'card' ELSE 'paypal' END
         WHEN channel = 'phone' THEN CASE WHEN r_pay < 50 THEN 'card' ELSE 'invoice' END
         ELSE CASE WHEN r_pay < 75 THEN 'card' ELSE 'cash' END END AS payment_method
FROM routed LEFT JOIN salespeople sp ON sp.salesperson_id = routed.home_store + 7;

-- 1-5 candidate lines per order; each picks among products on sale that day with a mild popularity skew.
CREATE TEMP TABLE stg_items AS
WITH lines AS (
    SELECT o.order_id, o.order_date, o.segment, l.line AS raw_line, o.order_id * 8 + l.line AS key
    FROM stg_orders o, range(1, 6) l(line)
    WHERE l.line <= CASE WHEN rnd(o.order_id, 40) % 20 < 4 THEN 1 WHEN rnd(o.order_id, 40) % 20 < 9 THEN 2
                         WHEN rnd(o.order_id, 40) % 20 < 14 THEN 3 WHEN rnd(o.order_id, 40) % 20 < 17 THEN 4 ELSE 5 END
), candidates AS (
    SELECT l.*, p.product_id, p.unit_price AS list_price,
        row_number() OVER (PARTITION BY l.key ORDER BY rnd(p.product_id, 50), p.product_id) - 1 AS j,
        count(*) OVER (PARTITION BY l.key) AS cnt
    FROM lines l JOIN products p
      ON p.launched_on <= l.order_date AND (p.discontinued_on IS NULL OR l.order_date <= p.discontinued_on)
), chosen AS (
    SELECT * FROM candidates
    WHERE j = ((rnd(key, 41) % 1000) * (rnd(key, 41) % 1000 + 1000) * cnt) // 2000000
    QUALIFY row_number() OVER (PARTITION BY order_id, product_id ORDER BY raw_line) = 1
), priced AS (
    SELECT order_id, row_number() OVER (PARTITION BY order_id ORDER BY raw_line)::INTEGER AS line_number, product_id,
        CASE segment WHEN 'consumer' THEN CASE WHEN rnd(key, 42) % 10 < 7 THEN 1 WHEN rnd(key, 42) % 10 < 9 THEN 2 ELSE 3 END
                     WHEN 'small_business' THEN 1 + rnd(key, 42) % 6 ELSE 3 + rnd(key, 42) % 18 END AS quantity,
        CASE WHEN order_date < DATE '2025-01-01' THEN round(list_price * 0.95, 0) - 0.01 ELSE list_price END::DECIMAL(12,2) AS unit_price,
        CASE WHEN month(order_date) = 11 AND day(order_date) >= 24 THEN 15
             WHEN segment = 'enterprise' THEN 10 WHEN segment = 'small_business' THEN 5 ELSE 0 END::DECIMAL(5,2) AS discount_pct
    FROM chosen
)
-- In integers (whole cents, half up), never in doubles: DuckDB's DECIMAL / INTEGER is a DOUBLE, whose rounding at
-- half a cent differed between releases (1.5 and 2.0 built different totals from the same rows).
SELECT *, ((((quantity * (unit_price * 100)::BIGINT * (10000 - (discount_pct * 100)::BIGINT)) + 5000) // 10000)::DECIMAL(18,0)
           * 0.01)::DECIMAL(12,2) AS line_total
FROM priced;

INSERT INTO customers
SELECT c.customer_id, c.first_name, c.last_name, c.company_name, c.email, c.segment,
    CASE WHEN c.home_store_id = 1 THEN c.remote_city ELSE s.city END, c.country, c.home_store_id,
    coalesce(f.first_order - (7 + rnd(c.customer_id, 8) % 120)::INTEGER,
             DATE '2025-01-01' + (rnd(c.customer_id, 8) % 330)::INTEGER)
FROM stg_customers c JOIN stores s ON s.store_id = c.home_store_id
LEFT JOIN (SELECT customer_id, min(order_date) AS first_order FROM stg_orders GROUP BY ALL) f USING (customer_id)
ORDER BY c.customer_id;

INSERT INTO orders
SELECT order_id, customer_id, store_id, salesperson_id, order_date, ordered_at, channel, status, payment_method
FROM stg_orders ORDER BY order_id;

INSERT INTO order_items
SELECT order_id, line_number, product_id, quantity, unit_price, discount_pct, line_total
FROM stg_items ORDER BY order_id, line_number;

-- Returned orders are refunded in full: one return row per order line.
INSERT INTO returns
SELECT row_number() OVER (ORDER BY i.order_id, i.line_number)::INTEGER, i.order_id, i.line_number,
    o.order_date + (3 + rnd(i.order_id, 60) % 26)::INTEGER, i.quantity,
    CASE WHEN o.channel = 'in_store' THEN ['defective', 'wrong_item', 'no_longer_needed', 'better_price_found'][1 + rnd(i.order_id, 61) % 4]
         ELSE ['defective', 'wrong_item', 'no_longer_needed', 'damaged_in_transit', 'better_price_found'][1 + rnd(i.order_id, 61) % 5] END,
    i.line_total
FROM order_items i JOIN orders o USING (order_id)
WHERE o.status = 'returned'
ORDER BY i.order_id, i.line_number;

DROP TABLE stg_items;
DROP TABLE stg_orders;
DROP TABLE stg_customers;
DROP MACRO rnd;
DROP MACRO mix32;
