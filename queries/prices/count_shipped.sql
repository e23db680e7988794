-- Rows of the shipped price table in the DB.
SELECT count(*) FROM prices WHERE origin = 'shipped'
