-- Calls per agent, with their talk time
SELECT agent.username AS username,
       count(*) AS calls,
       sum(agent.agentinteractionduration) AS talk_seconds
FROM ctr
WHERE agent IS NOT NULL
GROUP BY agent.username
ORDER BY username
