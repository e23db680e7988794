-- Appends a review; reviews are never rewritten.
INSERT INTO dependency_reviews (dep_key, class, note, reviewer, reviewed_at) VALUES (?, ?, ?, ?, ?)
