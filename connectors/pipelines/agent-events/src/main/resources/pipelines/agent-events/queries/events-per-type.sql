-- Events per type
SELECT eventtype, count(*) AS events
FROM kfhconnectblog
GROUP BY eventtype
ORDER BY eventtype
