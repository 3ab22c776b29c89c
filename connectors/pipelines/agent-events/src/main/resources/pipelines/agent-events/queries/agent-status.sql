-- Status changes per status the agent went into
SELECT json_extract_scalar(currentagentsnapshot, '$.agentstatus.name') AS status, count(*) AS changes
FROM kfhconnectblog
WHERE eventtype = 'STATE_CHANGE'
GROUP BY 1
ORDER BY 1
