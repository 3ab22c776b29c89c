-- Calls per customer tier (the attribute "Customer-Tier", a column as customertier)
SELECT attributes.customertier AS customer_tier,
       count(*) AS calls
FROM ctr
GROUP BY attributes.customertier
ORDER BY customer_tier
