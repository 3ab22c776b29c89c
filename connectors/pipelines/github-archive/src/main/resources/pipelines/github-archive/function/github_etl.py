"""Runs the GitHub archive's Hive ETL through Athena when an events file lands under data/github/.

The script is kept in S3 (SCRIPT_BUCKET, SCRIPT_KEY); its statements run one after another, each waited for, in the
database DATABASE with results under ATHENA_OUTPUT. A statement that fails fails the invocation, with Athena's reason.
"""
import os
import time
import urllib.parse

import boto3

athena = boto3.client('athena')
s3 = boto3.client('s3')


def statements(script):
    """The script's statements: split at semicolons that end a line, comment lines left out."""
    lines = [line for line in script.splitlines() if not line.strip().startswith('--')]
    return [statement.strip() for statement in '\n'.join(lines).split(';\n') if statement.strip().rstrip(';').strip()]


def run(statement):
    started = athena.start_query_execution(
        QueryString=statement.rstrip(';'),
        QueryExecutionContext={'Database': os.environ.get('DATABASE', 'default')},
        ResultConfiguration={'OutputLocation': os.environ['ATHENA_OUTPUT']})
    query_id = started['QueryExecutionId']
    while True:
        status = athena.get_query_execution(QueryExecutionId=query_id)['QueryExecution']['Status']
        if status['State'] == 'SUCCEEDED':
            return query_id
        if status['State'] in ('FAILED', 'CANCELLED'):
            raise RuntimeError(f"{status['State']}: {status.get('StateChangeReason')} -- in: {statement.splitlines()[0]}")
        time.sleep(0.5)


def handler(event, context):
    uploads = [urllib.parse.unquote_plus(record['s3']['object']['key']) for record in event.get('Records', [])]
    print('events files:', ', '.join(uploads) or '(none: run by hand)')
    script = s3.get_object(Bucket=os.environ['SCRIPT_BUCKET'], Key=os.environ['SCRIPT_KEY'])['Body'].read().decode('utf-8')
    ran = []
    for statement in statements(script):
        query_id = run(statement)
        print(f'ran {query_id}: {statement.splitlines()[0]}')
        ran.append(query_id)
    return {'uploads': uploads, 'statements': ran}
