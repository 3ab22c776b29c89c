-- The repositories with the most pushes
SELECT json_extract_scalar(repo, '$.name') AS repository, count(*) AS pushes
FROM github_orc
WHERE type = 'PushEvent'
GROUP BY 1
ORDER BY pushes DESC, repository
LIMIT 10
