-- Whether a (month, use_case, metric) already has a value.
SELECT count(*) FROM outcomes WHERE month = ? AND use_case = ? AND metric = ?
