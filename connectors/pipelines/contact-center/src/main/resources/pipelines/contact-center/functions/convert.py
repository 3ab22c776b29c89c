"""Converts the flattened contact trace records to Parquet, every hour (an EventBridge Scheduler schedule invokes it).

First the crawler over flatfiles/ runs to its end, so attributes that appeared since the last hour are columns (struct
fields) of the flatfiles table. Then the ctr table is written again with an Athena CTAS, Parquet (SNAPPY) under
parquet/ctr/: the old table is dropped and its objects deleted first, as a CTAS needs an empty location. The CTAS
table is the result the analysts query; its schema is the CTAS's, so no crawler runs over parquet/ctr/. The function's
reserved concurrency is 1, so a run started by hand and the scheduled one never rewrite the table at the same time.

boto3 reaches the service through AWS_ENDPOINT_URL where it is set (lakestack sets it); on AWS it is not set.
"""
import os
import time

import boto3

athena = boto3.client("athena")
glue = boto3.client("glue")
s3 = boto3.client("s3")

BUCKET = os.environ["BUCKET"]
DATABASE = os.environ["DATABASE"]
SOURCE_TABLE = os.environ["SOURCE_TABLE"]
TABLE = os.environ["TABLE"]
PARQUET_PREFIX = os.environ["PARQUET_PREFIX"]
CRAWLER_NAME = os.environ["CRAWLER_NAME"]
ATHENA_OUTPUT = os.environ["ATHENA_OUTPUT"]


def crawl(deadline):
    """Runs the crawler to the end of a crawl that started after this call (waiting out one already running)."""
    while True:
        try:
            glue.start_crawler(Name=CRAWLER_NAME)
            break
        except glue.exceptions.CrawlerRunningException:
            await_ready(deadline)
    time.sleep(0.5)
    crawler = await_ready(deadline)
    last = crawler.get("LastCrawl", {})
    if last.get("Status") != "SUCCEEDED":
        raise RuntimeError("the crawl of %s ended %s: %s" % (CRAWLER_NAME, last.get("Status"), last.get("ErrorMessage")))
    return last


def await_ready(deadline):
    while True:
        crawler = glue.get_crawler(Name=CRAWLER_NAME)["Crawler"]
        if crawler["State"] == "READY":
            return crawler
        if time.time() > deadline:
            raise TimeoutError("the crawler %s is still %s" % (CRAWLER_NAME, crawler["State"]))
        time.sleep(0.5)


def run(sql, deadline):
    execution_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": DATABASE},
                                                ResultConfiguration={"OutputLocation": ATHENA_OUTPUT})["QueryExecutionId"]
    while True:
        execution = athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]
        state = execution["Status"]["State"]
        if state == "SUCCEEDED":
            return execution_id
        if state in ("FAILED", "CANCELLED"):
            raise RuntimeError("%s %s: %s" % (sql.split("\n")[0], state, execution["Status"].get("StateChangeReason")))
        if time.time() > deadline:
            raise TimeoutError("%s still %s" % (sql.split("\n")[0], state))
        time.sleep(0.3)


def delete_objects(prefix):
    deleted = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=BUCKET, Delete={"Objects": keys, "Quiet": True})
            deleted += len(keys)
    return deleted


def handler(event, context):
    deadline = time.time() + max(60, context.get_remaining_time_in_millis() / 1000 - 30)
    crawl(deadline)
    try:
        glue.get_table(DatabaseName=DATABASE, Name=SOURCE_TABLE)
    except glue.exceptions.EntityNotFoundException:
        print("no records under flatfiles/ yet: nothing to convert")
        return {"table": "%s.%s" % (DATABASE, TABLE), "rows": 0, "columns": [], "skipped": "no records under flatfiles/ yet"}
    run("DROP TABLE IF EXISTS %s" % TABLE, deadline)
    removed = delete_objects(PARQUET_PREFIX)
    run("CREATE TABLE %s WITH (format = 'PARQUET', write_compression = 'SNAPPY', external_location = 's3://%s/%s') AS\n"
        "SELECT * FROM %s" % (TABLE, BUCKET, PARQUET_PREFIX, SOURCE_TABLE), deadline)
    columns = [column["Name"] for column in glue.get_table(DatabaseName=DATABASE, Name=TABLE)["Table"]["StorageDescriptor"]["Columns"]]
    count_id = run("SELECT count(*) FROM %s" % TABLE, deadline)
    rows = int(athena.get_query_results(QueryExecutionId=count_id)["ResultSet"]["Rows"][1]["Data"][0]["VarCharValue"])
    print("converted %d rows of %s.%s to Parquet under s3://%s/%s (%d old objects removed); columns %s"
          % (rows, DATABASE, SOURCE_TABLE, BUCKET, PARQUET_PREFIX, removed, ", ".join(columns)))
    return {"table": "%s.%s" % (DATABASE, TABLE), "rows": rows, "columns": columns, "location": "s3://%s/%s" % (BUCKET, PARQUET_PREFIX),
            "scheduledTime": event.get("scheduledTime") if isinstance(event, dict) else None}
