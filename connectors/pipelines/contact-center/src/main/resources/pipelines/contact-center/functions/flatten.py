"""Flattens the contact trace records Firehose delivered raw.

Triggered by S3 (ObjectCreated under raw/). Firehose concatenates the records it buffers, so one object holds
several JSON documents run together ("}{"). Each record is written on its own under flatfiles/<contactid>.json
with every key lower-cased and stripped of characters that are not word characters ("Customer-Tier" becomes
"customertier"), so the crawler and Athena see one column name per attribute. What is not a contact trace record
goes under errors/ with the reason and its bytes. The raw object is deleted once every record is written, and the
crawler over flatfiles/ is started (a crawl already running will see the new files on its next start).

boto3 reaches the service through AWS_ENDPOINT_URL where it is set (lakestack sets it); on AWS it is not set.
"""
import base64
import concurrent.futures
import json
import os
import re
import urllib.parse

import boto3
import botocore.config

PUT_THREADS = 16  # boto3 clients are thread-safe; one PUT per record is the cost of one object per record
s3 = boto3.client("s3", config=botocore.config.Config(max_pool_connections=PUT_THREADS))
glue = boto3.client("glue")

FLAT_PREFIX = os.environ.get("FLAT_PREFIX", "flatfiles/")
ERROR_PREFIX = os.environ.get("ERROR_PREFIX", "errors/")
CRAWLER_NAME = os.environ.get("CRAWLER_NAME", "")
DECODER = json.JSONDecoder()
WHITESPACE = re.compile(r"\s*")


def normalise(value):
    """Every key of every object, at any depth, lower-cased and stripped of non-word characters."""
    if isinstance(value, dict):
        return {re.sub(r"\W+", "", key.lower()): normalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    return value


def split(text):
    """The documents run together in text, as (document, None) or, for what does not parse, (fragment, reason)."""
    position = WHITESPACE.match(text, 0).end()
    while position < len(text):
        try:
            document, end = DECODER.raw_decode(text, position)
            yield document, None, text[position:end]
            position = WHITESPACE.match(text, end).end()
            continue
        except json.JSONDecodeError as error:
            reason = "not JSON: %s" % error.msg
        # resynchronise at the next "{" that starts a document
        start = text.find("{", position + 1)
        while start >= 0:
            try:
                DECODER.raw_decode(text, start)
                break
            except json.JSONDecodeError:
                start = text.find("{", start + 1)
        end = start if start >= 0 else len(text)
        yield None, reason, text[position:end]
        position = WHITESPACE.match(text, end).end()


def error_document(code, message, fragment, source):
    return json.dumps({
        "errorCode": code,
        "errorMessage": message,
        "rawData": base64.b64encode(fragment.encode("utf-8")).decode("ascii"),
        "sourceObject": source,
    }) + "\n"


def flatten(bucket, key):
    """Writes the records of one raw object; returns (records written, errors written)."""
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return 0, 0  # flattened and deleted by an earlier attempt
    text = body.decode("utf-8", errors="replace")
    source = "s3://%s/%s" % (bucket, key)
    stem = key[len("raw/"):] if key.startswith("raw/") else key
    puts = []  # (key, body): written in parallel once the object is split
    written = failed = 0
    for index, (document, reason, fragment) in enumerate(split(text)):
        if document is not None and not isinstance(document, dict):
            document, reason = None, "not a JSON object but %s" % type(document).__name__
        if document is not None:
            record = normalise(document)
            contact_id = record.get("contactid")
            if isinstance(contact_id, str) and re.fullmatch(r"[A-Za-z0-9-]+", contact_id):
                puts.append((FLAT_PREFIX + contact_id + ".json", (json.dumps(record, separators=(",", ":")) + "\n").encode("utf-8")))
                written += 1
                continue
            reason = "no ContactId" if contact_id is None else "ContactId %r is not a contact id" % (contact_id,)
            code = "Flatten.NoContactId"
        else:
            code = "Flatten.NotAnObject" if reason.startswith("not a JSON object") else "Flatten.MalformedJson"
        puts.append(("%s%s-%d.json" % (ERROR_PREFIX, stem, index), error_document(code, reason, fragment, source).encode("utf-8")))
        failed += 1
    with concurrent.futures.ThreadPoolExecutor(max_workers=PUT_THREADS) as pool:
        # list() re-raises the first failed put, so the raw object stays for the retry
        list(pool.map(lambda put: s3.put_object(Bucket=bucket, Key=put[0], Body=put[1], ContentType="application/json"), puts))
    s3.delete_object(Bucket=bucket, Key=key)
    return written, failed


def start_crawler():
    if not CRAWLER_NAME:
        return "no crawler"
    try:
        glue.start_crawler(Name=CRAWLER_NAME)
        return "started"
    except glue.exceptions.CrawlerRunningException:
        return "already running"


def handler(event, context):
    written = failed = 0
    for record in event.get("Records", []):
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        records, errors = flatten(bucket, key)
        print("flattened s3://%s/%s: %d records, %d errors" % (bucket, key, records, errors))
        written += records
        failed += errors
    crawler = start_crawler()
    print("crawler %s: %s" % (CRAWLER_NAME, crawler))
    return {"records": written, "errors": failed, "crawler": crawler}
