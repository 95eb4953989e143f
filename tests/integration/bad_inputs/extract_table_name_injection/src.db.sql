CREATE TABLE sales(sale_id INTEGER PRIMARY KEY, store_id INTEGER, product_id INTEGER, sold_at TEXT, quantity INTEGER, unit_price REAL);
INSERT INTO sales VALUES (1, 1, 1, '2024-01-01T10:00:00', 2, 1.5), (2, 1, 1, '2024-01-02T11:00:00', 1, 1.5), (3, 2, 1, '2024-01-01T12:00:00', 3, 2.0);
