DROP TABLE IF EXISTS github;
DROP TABLE IF EXISTS github_orc;
CREATE EXTERNAL TABLE github (`id` STRING, `type` STRING, `actor` STRING, `repo` STRING,
  `payload` STRING, `public` STRING, `created_at` STRING, `org` STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.contrib.serde2.JsonSerde'
LOCATION 's3://${bucket}/data/github/';
CREATE TABLE github_orc STORED AS ORC TBLPROPERTIES ("orc.compress"="ZLIB")
  AS SELECT * FROM github;
