-- GitHub events per type
SELECT type, count(*) AS events
FROM github_orc
GROUP BY type
ORDER BY events DESC, type
