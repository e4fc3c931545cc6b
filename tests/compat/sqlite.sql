-- sqlite3: create, insert, queries, on a database file in out/.
CREATE TABLE fruit(id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL);
CREATE TABLE basket(fruit_id INTEGER REFERENCES fruit(id), qty INTEGER);
INSERT INTO fruit(name, price) VALUES ('apple', 0.5), ('pear', 0.75), ('fig', 2.0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO basket SELECT 1 + i % 3, i FROM n;
SELECT name, count(*), sum(qty), printf('%.2f', sum(qty * price))
  FROM fruit JOIN basket ON fruit.id = basket.fruit_id GROUP BY name ORDER BY name;
SELECT 'rows', count(*) FROM basket;
