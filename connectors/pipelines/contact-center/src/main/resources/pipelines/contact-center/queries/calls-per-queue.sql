-- Calls per queue: taken by an agent, abandoned in the queue, seconds waited
SELECT queue.name AS queue,
       count(*) AS calls,
       count_if(agent IS NULL) AS abandoned,
       sum(queue.duration) AS queued_seconds
FROM ctr
GROUP BY queue.name
ORDER BY queue
