CREATE EXTERNAL TABLE default.kfhconnectblog (awsaccountid string, agentarn string,
  currentagentsnapshot string, eventid string, eventtimestamp string, eventtype string,
  instancearn string, previousagentsnapshot string, version string)
STORED AS parquet LOCATION 's3://${bucket}/kfhconnectblog/'
TBLPROPERTIES ("parquet.compression"="SNAPPY")
