"""lakestack's bootstrap for Python functions: speaks the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API.

Loads the handler named by _HANDLER ("module.function", the module relative to LAMBDA_TASK_ROOT) once, then loops:
GET the next invocation, call the handler with the event and a context object, POST the result or the error.
Errors have Lambda's shape: {"errorMessage", "errorType", "requestId", "stackTrace": [str, ...]}; an error while
loading the handler is reported to /runtime/init/error and ends the process, as AWS's Python runtime does.
Standard output and standard error are the function's log; logging writes Lambda's text format.
"""

import decimal
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API_VERSION = "2018-06-01"
ERROR_LINE_SEPARATOR = "\r"


class _Unbuffered(object):
    """Writes through at once, so that a line printed before a result reaches the log before the result."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        written = self._stream.write(text)
        self._stream.flush()
        return written

    def writelines(self, lines):
        self._stream.writelines(lines)
        self._stream.flush()

    def __getattr__(self, name):
        return getattr(self._stream, name)


class _HandlerFault(Exception):
    def __init__(self, error_type, message, stack_trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.stack_trace = stack_trace or []


class RuntimeApi(object):
    def __init__(self, address):
        self._address = address
        self._connection = None

    def _request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(self._address)
            try:
                self._connection.request(method, "/" + API_VERSION + path, body=body, headers=headers or {})
                response = self._connection.getresponse()
                data = response.read()
                return response.status, response.headers, data
            except (http.client.HTTPException, ConnectionError):
                # a kept-alive connection the server closed while idle: one new connection, then give up
                self._connection.close()
                self._connection = None
                if attempt == 2:
                    raise

    def next(self):
        status, headers, body = self._request("GET", "/runtime/invocation/next")
        if status != 200:
            raise RuntimeError("GET /runtime/invocation/next answered %d: %r" % (status, body))
        return headers, body

    def response(self, request_id, body, content_type):
        status, _, answer = self._request(
            "POST", "/runtime/invocation/%s/response" % request_id, body, {"Content-Type": content_type})
        if status == 413:
            sys.stdout.write("[ERROR] the response was too large: %s\n" % answer.decode("utf-8", "replace"))
        elif status != 202:
            raise RuntimeError("POST /runtime/invocation/%s/response answered %d: %r" % (request_id, status, answer))

    def error(self, request_id, error):
        self._post_error("/runtime/invocation/%s/error" % request_id, error)

    def init_error(self, error):
        self._post_error("/runtime/init/error", error)

    def _post_error(self, path, error):
        body = _to_json(error).encode("utf-8")
        headers = {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error["errorType"]}
        status, _, answer = self._request("POST", path, body, headers)
        if status != 202:
            raise RuntimeError("POST %s answered %d: %r" % (path, status, answer))


class LambdaContext(object):
    """The context object AWS's Python runtime passes: the same attributes and methods."""

    def __init__(self, request_id, invoked_function_arn, deadline_ms, client_context):
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_function_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = _ClientContext(client_context) if client_context is not None else None
        self.identity = _CognitoIdentity()
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, message):
        sys.stdout.write(str(message))


class _ClientContext(object):
    def __init__(self, document):
        self.custom = document.get("custom")
        self.env = document.get("env")
        self.client = _Fields(document.get("client"), (
            "installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"))


class _CognitoIdentity(object):
    def __init__(self):
        self.cognito_identity_id = None
        self.cognito_identity_pool_id = None


class _Fields(object):
    def __init__(self, document, names):
        for name in names:
            setattr(self, name, (document or {}).get(name))


class _Encoder(json.JSONEncoder):
    """Decimals (as DynamoDB's boto3 types return them) are written as numbers."""

    def default(self, value):
        if isinstance(value, decimal.Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return super().default(value)


def _to_json(value):
    ensure_ascii = sys.version_info < (3, 12)
    return json.dumps(value, cls=_Encoder, ensure_ascii=ensure_ascii)


def _make_error(message, error_type, stack_trace, request_id):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id or "",
        "stackTrace": stack_trace or [],
    }


def _log_error(error):
    lines = ["[ERROR] %s: %s" % (error["errorType"], error["errorMessage"])]
    lines.append("Traceback (most recent call last):")
    for entry in error["stackTrace"]:
        for line in entry.splitlines():
            indent = len(line) - len(line.lstrip(" "))
            lines.append("\u00a0" * indent + line[indent:])
    sys.stdout.write(ERROR_LINE_SEPARATOR.join(lines) + "\n")


def _user_frames(tb):
    frames = traceback.extract_tb(tb)
    bootstrap = os.path.abspath(__file__)
    while frames and os.path.abspath(frames[0].filename) == bootstrap:
        frames = frames[1:]
    return traceback.format_list(frames)


def _load_handler(handler):
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as e:
        raise _HandlerFault("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, e))
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise _HandlerFault("Runtime.BuiltInModuleConflict",
                            "Cannot use built-in module %s as a handler module" % module_name)
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as e:
        raise _HandlerFault("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, e))
    except SyntaxError as e:
        raise _HandlerFault("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, e),
                            ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)])
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise _HandlerFault("Runtime.HandlerNotFound",
                            "Handler '%s' missing on module '%s'" % (function_name, module_name))


def _setup_logging():
    request = {"id": ""}

    class _RequestIdFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = request["id"]
            return True

    handler = logging.StreamHandler(sys.stdout)
    handler.terminator = ""
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    if level in logging._nameToLevel:
        root.setLevel(level)
    return request


def _invoke(api, request_handler, headers, body):
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
    try:
        client_context = headers.get("Lambda-Runtime-Client-Context")
        context = LambdaContext(
            request_id,
            headers.get("Lambda-Runtime-Invoked-Function-Arn"),
            int(headers.get("Lambda-Runtime-Deadline-Ms", "0")),
            json.loads(client_context) if client_context else None)
        trace_id = headers.get("Lambda-Runtime-Trace-Id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        try:
            event = json.loads(body) if body else None
        except ValueError as e:
            raise _HandlerFault("Runtime.UnmarshalError", "Unable to unmarshal input: %s" % e)
        result = request_handler(event, context)
        if isinstance(result, bytes):
            payload, content_type = result, "application/unknown"
        else:
            try:
                payload, content_type = _to_json(result).encode("utf-8"), "application/json"
            except (TypeError, ValueError) as e:
                raise _HandlerFault("Runtime.MarshalError", "Unable to marshal response: %s" % e)
    except _HandlerFault as fault:
        error = _make_error(fault.message, fault.error_type, fault.stack_trace, request_id)
    except Exception as e:
        error = _make_error(str(e), type(e).__name__, _user_frames(sys.exc_info()[2]), request_id)
    else:
        api.response(request_id, payload, content_type)
        return
    _log_error(error)
    api.error(request_id, error)


def main():
    sys.stdout = _Unbuffered(sys.stdout)
    sys.stderr = _Unbuffered(sys.stderr)
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    bootstrap_dir = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [task_root] + [entry for entry in sys.path if entry and os.path.abspath(entry) != bootstrap_dir]
    api = RuntimeApi(os.environ["AWS_LAMBDA_RUNTIME_API"])
    request = _setup_logging()
    try:
        request_handler = _load_handler(os.environ.get("_HANDLER", ""))
    except _HandlerFault as fault:
        error = _make_error(fault.message, fault.error_type, fault.stack_trace, None)
    except Exception as e:
        error = _make_error(str(e), type(e).__name__, _user_frames(sys.exc_info()[2]), None)
    else:
        error = None
    if error is not None:
        _log_error(error)
        api.init_error(error)
        sys.exit(1)
    while True:
        headers, body = api.next()
        request["id"] = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        _invoke(api, request_handler, headers, body)


if __name__ == "__main__":
    main()
