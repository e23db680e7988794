SELECT use_case, metric, CAST(value AS VARCHAR) FROM outcomes WHERE month = ? ORDER BY use_case, metric
