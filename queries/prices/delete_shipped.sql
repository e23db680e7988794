-- Shipped prices are replaced as a whole when tollgate's table changes; imports are kept.
DELETE FROM prices WHERE origin = 'shipped'
