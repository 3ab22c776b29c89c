-- Survey scores, an attribute the contact flows set only later ("Survey Score", a column as surveyscore)
SELECT attributes.surveyscore AS survey_score,
       count(*) AS calls
FROM ctr
WHERE attributes.surveyscore IS NOT NULL
GROUP BY attributes.surveyscore
ORDER BY survey_score
