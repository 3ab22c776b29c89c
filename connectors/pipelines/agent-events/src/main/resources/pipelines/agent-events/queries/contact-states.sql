-- Per-contact state transitions: when each contact entered each state
SELECT json_extract_scalar(contact, '$.contactid') AS contactid,
       json_extract_scalar(contact, '$.state') AS state,
       min(from_iso8601_timestamp(json_extract_scalar(contact, '$.statestarttimestamp'))) AS since
FROM kfhconnectblog
CROSS JOIN UNNEST(CAST(json_extract(currentagentsnapshot, '$.contacts') AS ARRAY(JSON))) AS t(contact)
WHERE eventtype = 'STATE_CHANGE'
GROUP BY 1, 2
ORDER BY contactid, since
