-- Logins per user, ordered by time
SELECT json_extract_scalar(currentagentsnapshot, '$.configuration.username') AS username,
       from_iso8601_timestamp(eventtimestamp) AS login_time
FROM kfhconnectblog
WHERE eventtype = 'LOGIN'
ORDER BY username, login_time
