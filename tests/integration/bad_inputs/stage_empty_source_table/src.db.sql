CREATE TABLE sales(sale_id INTEGER PRIMARY KEY, store_id INTEGER, product_id INTEGER, sold_at TEXT, quantity INTEGER, unit_price REAL);
