# lpack's Python runtime for `lpack invoke`: it imports the handler named by _HANDLER from LAMBDA_TASK_ROOT and
# serves invocations through the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API, as Lambda's own Python runtime does:
# handler(event, context), Lambda's context object, error documents and log format. Standard library only.
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API = '/2018-06-01/runtime'
connection = http.client.HTTPConnection(os.environ['AWS_LAMBDA_RUNTIME_API'])


def call(method, path, body=None, headers=None):
    connection.request(method, API + path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response, response.read()


class FaultException(Exception):
    def __init__(self, exception_type, message, trace=None):
        super().__init__(message)
        self.exception_type = exception_type
        self.message = message
        self.trace = trace or []


def error_document(error, request_id=''):
    if isinstance(error, FaultException):
        return {'errorMessage': error.message, 'errorType': error.exception_type, 'requestId': request_id, 'stackTrace': error.trace}
    frames = traceback.extract_tb(error.__traceback__)
    # The runtime's own frames are not the function's: Lambda shows the trace from the handler down.
    frames = [frame for frame in frames if frame.filename != __file__]
    return {'errorMessage': str(error), 'errorType': type(error).__name__, 'requestId': request_id, 'stackTrace': traceback.format_list(frames)}


def post_error(path, document):
    body = json.dumps(document).encode()
    call('POST', path, body, {'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': document['errorType']})


def load_handler(handler):
    try:
        module_name, function_name = handler.rsplit('.', 1)
    except ValueError as error:
        raise FaultException('Runtime.MalformedHandlerName', "Bad handler '%s': %s" % (handler, error))
    module_name = module_name.replace('/', '.')
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise FaultException('Runtime.ImportModuleError', "Unable to import module '%s': %s" % (module_name, error))
    except SyntaxError as error:
        trace = ['  File "%s" Line %s\n    %s\n' % (error.filename, error.lineno, error.text)]
        raise FaultException('Runtime.UserCodeSyntaxError', "Syntax error in module '%s': %s" % (module_name, error), trace)
    function = getattr(module, function_name, None)
    if function is None:
        raise FaultException('Runtime.HandlerNotFound', "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return function


class CognitoIdentity:
    def __init__(self, value):
        self.cognito_identity_id = value.get('cognitoIdentityId')
        self.cognito_identity_pool_id = value.get('cognitoIdentityPoolId')


class Client:
    def __init__(self, value):
        self.installation_id = value.get('installation_id')
        self.app_title = value.get('app_title')
        self.app_version_name = value.get('app_version_name')
        self.app_version_code = value.get('app_version_code')
        self.app_package_name = value.get('app_package_name')


class ClientContext:
    def __init__(self, value):
        self.client = Client(value['client']) if value.get('client') else None
        self.custom = value.get('custom')
        self.env = value.get('env')


def json_header(headers, name):
    value = headers.get(name)
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


class LambdaContext:
    def __init__(self, headers):
        self._deadline_ms = int(headers.get('Lambda-Runtime-Deadline-Ms', '0'))
        self.aws_request_id = headers.get('Lambda-Runtime-Aws-Request-Id')
        self.invoked_function_arn = headers.get('Lambda-Runtime-Invoked-Function-Arn')
        self.function_name = os.environ.get('AWS_LAMBDA_FUNCTION_NAME')
        self.function_version = os.environ.get('AWS_LAMBDA_FUNCTION_VERSION')
        self.memory_limit_in_mb = os.environ.get('AWS_LAMBDA_FUNCTION_MEMORY_SIZE')
        self.log_group_name = os.environ.get('AWS_LAMBDA_LOG_GROUP_NAME')
        self.log_stream_name = os.environ.get('AWS_LAMBDA_LOG_STREAM_NAME')
        identity = json_header(headers, 'Lambda-Runtime-Cognito-Identity')
        self.identity = CognitoIdentity(identity) if identity else None
        client_context = json_header(headers, 'Lambda-Runtime-Client-Context')
        self.client_context = ClientContext(client_context) if client_context else None

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)


class RequestIdFilter(logging.Filter):
    request_id = None

    def filter(self, record):
        record.aws_request_id = RequestIdFilter.request_id
        return True


def setup_logging():
    # Lambda's root logger: level, time, request id, message.
    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter('[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s', '%Y-%m-%dT%H:%M:%S')
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


def log_error(document):
    message = '[ERROR] %s: %s' % (document['errorType'], document['errorMessage'])
    trace = ''.join(document.get('stackTrace') or [])
    sys.stdout.write(message + ('\nTraceback (most recent call last):\n' + trace.rstrip('\n') if trace else '') + '\n')


def main():
    task_root = os.environ.get('LAMBDA_TASK_ROOT', os.getcwd())
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    setup_logging()
    try:
        handler = load_handler(os.environ.get('_HANDLER', ''))
    except FaultException as error:
        document = error_document(error)
        log_error(document)
        post_error('/init/error', document)
        sys.exit(1)
    except Exception as error:
        document = error_document(error)
        log_error(document)
        post_error('/init/error', document)
        sys.exit(1)
    while True:
        response, body = call('GET', '/invocation/next')
        headers = response.headers
        request_id = headers.get('Lambda-Runtime-Aws-Request-Id')
        RequestIdFilter.request_id = request_id
        trace_id = headers.get('Lambda-Runtime-Trace-Id')
        if trace_id:
            os.environ['_X_AMZN_TRACE_ID'] = trace_id
        else:
            os.environ.pop('_X_AMZN_TRACE_ID', None)
        try:
            event = json.loads(body) if body else None
            result = handler(event, LambdaContext(headers))
            try:
                payload = json.dumps(result).encode()
            except (TypeError, ValueError) as error:
                message = 'Unable to marshal response: %s' % error
                # A generator is how one would try to stream from Python: say why that cannot work in Lambda.
                if type(result).__name__ in ('generator', 'async_generator'):
                    message += ('. Lambda does not stream responses from Python functions (response streaming is for'
                                ' Node.js handlers and custom runtimes); return the whole response instead')
                raise FaultException('Runtime.MarshalError', message)
        except Exception as error:
            document = error_document(error, request_id)
            log_error(document)
            post_error('/invocation/%s/error' % request_id, document)
            continue
        call('POST', '/invocation/%s/response' % request_id, payload, {'Content-Type': 'application/json'})


if __name__ == '__main__':
    main()
