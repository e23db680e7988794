-- Re-importing the same file for the same date replaces that import.
DELETE FROM prices WHERE origin = 'import' AND source = ? AND effective_from = ?
