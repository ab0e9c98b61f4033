UPDATE bench_a SET amount = amount - 1 WHERE id <= 1000;
