"""Test handlers of the Python runtime: each shows one thing a Lambda handler relies on."""

import http.client
import json
import logging
import os
import sys
import time

logger = logging.getLogger()
logger.setLevel(logging.INFO)

print("loading orders")


def echo(event, context):
    print("echo " + json.dumps(event, sort_keys=True))
    logger.info("handled %s", event.get("order"))
    sys.stderr.write("to stderr\n")
    return {"echo": event, "pid": os.getpid()}


def environment(event, context):
    seen = dict(os.environ)
    seen.update({
        "pid": os.getpid(),
        "cwd": os.getcwd(),
        "sys.path[0]": sys.path[0],
        "python": "%d.%d" % sys.version_info[:2],
        "context.aws_request_id": context.aws_request_id,
        "context.function_name": context.function_name,
        "context.function_version": context.function_version,
        "context.invoked_function_arn": context.invoked_function_arn,
        "context.memory_limit_in_mb": context.memory_limit_in_mb,
        "context.log_group_name": context.log_group_name,
        "context.log_stream_name": context.log_stream_name,
        "context.remaining_positive": 0 < context.get_remaining_time_in_millis() <= 30000,
        "context.client_context.custom": context.client_context.custom if context.client_context else None,
    })
    return seen


def fail(event, context):
    raise ValueError("order %s cannot be shipped" % event["order"])


def hold(event, context):
    """Holds the invocation until the test creates the release file (or maxSeconds pass)."""
    open(event["started"], "w").close()
    deadline = time.time() + event["maxSeconds"]
    while not os.path.exists(event["release"]):
        if time.time() > deadline:
            return "not released"
        time.sleep(0.02)
    return "released"


def pid_or_sleep(event, context):
    if "sleep" in event:
        print("sleeping %s s" % event["sleep"])
        time.sleep(event["sleep"])
    return os.getpid()


def exit_now(event, context):
    print("exiting with %d" % event["status"])
    sys.stdout.flush()
    os._exit(event["status"])


def hog(event, context):
    held = bytearray(event["mb"] * 1024 * 1024)
    for i in range(0, len(held), 4096):
        held[i] = 1
    if held:
        time.sleep(30)
    return len(held)


def large(event, context):
    return "x" * event["size"]


def runtime_api(event, context):
    """Calls the runtime API the way a misbehaving runtime would, and reports what it answered."""
    answers = {}
    calls = {
        "wrongRequestId": ("POST", "/2018-06-01/runtime/invocation/not-this-one/response", b"{}"),
        "initErrorAfterStart": ("POST", "/2018-06-01/runtime/init/error", b"{}"),
        "unknownPath": ("GET", "/2018-06-01/runtime/invocation/elsewhere", None),
    }
    for name, (method, path, body) in calls.items():
        connection = http.client.HTTPConnection(os.environ["AWS_LAMBDA_RUNTIME_API"])
        connection.request(method, path, body=body)
        response = connection.getresponse()
        answers[name] = [response.status, response.read().decode("utf-8")]
        connection.close()
    return answers


def boto3_client(event, context):
    import importlib.metadata
    import boto3
    s3 = boto3.client("s3")
    return {
        "version": boto3.__version__,
        "distribution": importlib.metadata.version("boto3"),
        "file": boto3.__file__,
        "s3": s3.meta.endpoint_url,
        "region": s3.meta.region_name,
    }
