"""Starts moto's server on 127.0.0.1 for lpack's integration tests, with the gaps of moto 5.2.1 filled in.

Printed on stdout once listening: ``MOTO_READY <port>``. Stops on SIGTERM / SIGINT.

What this adds to moto (test harness only; lpack itself is never special-cased for moto):
- ``AWS::Lambda::Alias`` from CloudFormation (moto has the Lambda API for aliases, but no CloudFormation model).
  moto finds resource types through ``CloudFormationModel.__subclasses__()``, so defining the class registers it.
- A failing resource during ExecuteChangeSet behaves as in CloudFormation: the call succeeds, the resource gets a
  ``*_FAILED`` event with the service's reason, and the stack ends in ``ROLLBACK_COMPLETE`` (create) or
  ``UPDATE_ROLLBACK_COMPLETE`` (update). moto 5.2.1 instead answers the ExecuteChangeSet call with the error and
  leaves the stack ``UPDATE_IN_PROGRESS``.
- Per-resource stack events while a change set executes (moto only records stack-level events).
- ``Fn::GetAtt <Version>.Version`` for AWS::Lambda::Version (what SAM's AutoPublishAlias aliases point at).
- a new ``AWS::Lambda::Version`` in an update publishes the function's new code (moto adds resources before it
  modifies existing ones).
- A CREATE change set for a stack in REVIEW_IN_PROGRESS reuses that stack, as CloudFormation does (moto makes a
  second stack of the same name).
- A change set that changes nothing is created with status FAILED ("didn't contain changes"), as in CloudFormation;
  moto answers CreateChangeSet itself with "No updates are to be performed." when parameters are passed, and
  compares parameters as sent rather than as resolved (UsePreviousValue, defaults).
- A TemplateURL addressed path-style to 127.0.0.1 (moto only recognises path-style URLs on "localhost").
- Bucket-policy statements with a Condition are not enforced. moto ignores conditions and would apply them
  unconditionally, so the TLS-only policy of the managed artifacts bucket (deny when aws:SecureTransport is
  false) would refuse every request; the harness serves plain HTTP on loopback, so it is left unenforced.
- A change set that was already executed cannot be executed again: CloudFormation answers InvalidChangeSetStatus
  ("cannot be executed in its current execution status"); moto 5.2.1 applies it a second time.
- S3 verifies ``x-amz-checksum-sha256`` and ``Content-MD5`` against the received bytes and rejects a mismatch with
  ``BadDigest``, as S3 does (moto stores whatever arrives).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import threading
from typing import Any
from urllib.parse import urlparse

from moto.awslambda.models import lambda_backends
from moto.cloudformation import models as cloudformation_models, parsing, responses as cloudformation_responses
from moto.cloudformation.exceptions import CloudFormationError
from moto.cloudformation.models import CloudFormationBackend, Event
from moto.core.common_models import CloudFormationModel
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.s3.exceptions import S3ClientError
from moto.s3.models import FakeBucket, S3Backend
from werkzeug.serving import make_server


def _routing_config(properties: dict[str, Any]) -> Any:
    routing = properties.get("RoutingConfig")
    if not routing:
        return None
    weights = routing.get("AdditionalVersionWeights") or []
    return {"AdditionalVersionWeights": {w["FunctionVersion"]: float(w["FunctionWeight"]) for w in weights}}


def _function_name(value: str) -> str:
    # FunctionName may be a name or an ARN (Ref of AWS::Lambda::Function gives the name in moto).
    return value.split(":function:")[-1].split(":")[0] if ":function:" in value else value


class LambdaAliasModel(CloudFormationModel):
    """AWS::Lambda::Alias, backed by moto's Lambda alias API."""

    # moto's model metaclass files each model under the service named by its module.
    __module__ = "moto.awslambda.models"

    def __init__(self, alias: Any, function_name: str):
        self.alias = alias
        self.function_name = function_name

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Lambda::Alias"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ["AliasArn"]

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "AliasArn":
            return self.alias.arn
        raise parsing.UnformattedGetAttTemplateException()

    @property
    def physical_resource_id(self) -> str:
        return self.alias.arn

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> "LambdaAliasModel":
        properties = cloudformation_json["Properties"]
        function_name = _function_name(str(properties["FunctionName"]))
        alias = lambda_backends[account_id][region_name].create_alias(
            name=properties["Name"],
            function_name=function_name,
            function_version=str(properties["FunctionVersion"]),
            description=properties.get("Description", ""),
            routing_config=_routing_config(properties),
        )
        return cls(alias, function_name)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: "LambdaAliasModel", new_resource_name: str, cloudformation_json: dict[str, Any],
        account_id: str, region_name: str,
    ) -> "LambdaAliasModel":
        properties = cloudformation_json["Properties"]
        alias = lambda_backends[account_id][region_name].update_alias(
            name=properties["Name"],
            function_name=original_resource.function_name,
            function_version=str(properties["FunctionVersion"]),
            description=properties.get("Description", ""),
            routing_config=_routing_config(properties),
        )
        return cls(alias, original_resource.function_name)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        properties = cloudformation_json["Properties"]
        try:
            lambda_backends[account_id][region_name].delete_alias(
                properties["Name"], _function_name(str(properties["FunctionName"]))
            )
        except Exception:  # the function may already be gone
            pass


# --- AWS::Lambda::Version exposes its version number --------------------------------------------------------

from moto.awslambda.models import LambdaVersion  # noqa: E402


def _version_has_cfn_attr(cls: Any, attr: str) -> bool:
    return attr == "Version"


def _version_get_cfn_attribute(self: LambdaVersion, attribute_name: str) -> str:
    if attribute_name == "Version":
        return str(self.version)
    raise parsing.UnformattedGetAttTemplateException()


LambdaVersion.has_cfn_attr = classmethod(_version_has_cfn_attr)  # type: ignore[method-assign,assignment]
LambdaVersion.get_cfn_attribute = _version_get_cfn_attribute  # type: ignore[attr-defined]


# --- a CREATE change set reuses a stack in REVIEW_IN_PROGRESS ---------------------------------------------------

_original_create_change_set = CloudFormationBackend.create_change_set


def _create_change_set(self: CloudFormationBackend, stack_name: str, *args: Any, **kwargs: Any) -> Any:
    change_set_type = kwargs.get("change_set_type", args[4] if len(args) > 4 else None)
    if change_set_type == "CREATE":
        for stack_id, stack in list(self.stacks.items()):
            if stack.name == stack_name and stack.status == "REVIEW_IN_PROGRESS":
                del self.stacks[stack_id]
                for change_set_id, change_set in list(self.change_sets.items()):
                    if change_set.stack_id == stack_id:
                        del self.change_sets[change_set_id]
    return _original_create_change_set(self, stack_name, *args, **kwargs)


CloudFormationBackend.create_change_set = _create_change_set  # type: ignore[method-assign]


# --- an empty change set is a FAILED change set, not a refused call ---------------------------------------------

_original_validate_different_update = cloudformation_responses.CloudFormationResponse._validate_different_update
_original_create_change_set_response = cloudformation_responses.CloudFormationResponse.create_change_set
_in_create_change_set = threading.local()


def _create_change_set_response(self: Any) -> Any:
    _in_create_change_set.active = True
    try:
        return _original_create_change_set_response(self)
    finally:
        _in_create_change_set.active = False


def _validate_different_update(self: Any, incoming_params: Any, stack_body: str, old_stack: Any) -> None:
    if getattr(_in_create_change_set, "active", False):
        return  # the backend marks the change set FAILED with CloudFormation's reason
    _original_validate_different_update(self, incoming_params, stack_body, old_stack)


def _has_parameters(self: Any, other_parameters: dict[str, Any]) -> bool:
    # Compare resolved values: a parameter sent with UsePreviousValue or left at its default is unchanged.
    resolved = self.stack_parameters
    return all(str(resolved.get(key)) == str(value) for key, value in other_parameters.items())


cloudformation_models.Stack.has_parameters = _has_parameters  # type: ignore[method-assign]
cloudformation_responses.CloudFormationResponse.create_change_set = _create_change_set_response  # type: ignore[method-assign]
cloudformation_responses.CloudFormationResponse._validate_different_update = _validate_different_update  # type: ignore[method-assign]


# --- resource failures become failed events and a rolled-back stack -----------------------------------------

def _annotate(original: Any) -> Any:
    def wrapper(logical_id: str, resource_json: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return original(logical_id, resource_json, *args, **kwargs)
        except Exception as error:
            if not hasattr(error, "lpack_logical_id"):
                error.lpack_logical_id = logical_id  # type: ignore[attr-defined]
                error.lpack_resource_type = resource_json.get("Type", "")  # type: ignore[attr-defined]
            raise

    return wrapper


parsing.parse_and_create_resource = _annotate(parsing.parse_and_create_resource)
parsing.parse_and_update_resource = _annotate(parsing.parse_and_update_resource)


def _reason(error: Exception) -> str:
    """Worded as CloudFormation words a resource handler's refusal."""
    if isinstance(error, ValueError) and len(error.args) == 2:
        code, message = error.args
    else:
        code = getattr(error, "error_type", None) or getattr(error, "code", None) or type(error).__name__
        message = getattr(error, "message", None) or str(error)
    return f'Resource handler returned message: "{message}" (HandlerErrorCode: InvalidRequest, Error Code: {code})'


def _event(stack: Any, logical_id: str, resource_type: str, status: str, reason: str | None = None) -> None:
    stack.events.append(Event(
        stack_id=stack.stack_id, stack_name=stack.name, logical_resource_id=logical_id,
        physical_resource_id="", resource_type=resource_type, resource_status=status,
        resource_status_reason=reason, resource_properties=None,
    ))


_original_execute = CloudFormationBackend.execute_change_set


class InvalidChangeSetStatus(CloudFormationError):
    code = "InvalidChangeSetStatus"


def _execute_change_set(self: CloudFormationBackend, change_set_name: str, stack_name: str | None = None) -> None:
    change_set = self.describe_change_set(change_set_name)
    if change_set.execution_status != "AVAILABLE":
        raise InvalidChangeSetStatus(
            f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current execution status of [{change_set.execution_status}]"
        )
    stack = self.stacks[change_set.stack_id]
    operation = "CREATE" if change_set.change_set_type == "CREATE" else "UPDATE"
    verbs = {"Add": "CREATE", "Modify": "UPDATE", "Remove": "DELETE"}
    for change in change_set.changes:
        _event(stack, change.logical_resource_id, change.resource_type, f"{verbs[change.action]}_IN_PROGRESS")
    try:
        _original_execute(self, change_set_name, stack_name)
    except Exception as error:
        logical_id = getattr(error, "lpack_logical_id", stack.name)
        resource_type = getattr(error, "lpack_resource_type", "AWS::CloudFormation::Stack")
        actions = {change.logical_resource_id: change.action for change in change_set.changes}
        failed_verb = verbs.get(actions.get(logical_id, ""), operation)
        _event(stack, logical_id, resource_type, f"{failed_verb}_FAILED", _reason(error))
        rollback = "ROLLBACK" if operation == "CREATE" else "UPDATE_ROLLBACK"
        stack._add_stack_event(f"{rollback}_IN_PROGRESS", resource_status_reason=f"The following resource(s) failed to {operation.lower()}: [{logical_id}]. ")
        stack._add_stack_event(f"{rollback}_COMPLETE")
        stack.status = f"{rollback}_COMPLETE"
        change_set.execution_status = "EXECUTE_FAILED"
        return
    # moto computes outputs only when a stack is created or updated directly, not through a change set.
    stack._parse_template()
    stack.output_map = stack._create_output_map()
    # Every resource that did not fail is complete (the stack's own COMPLETE event was added by moto).
    complete = stack.events.pop()
    for change in change_set.changes:
        _event(stack, change.logical_resource_id, change.resource_type, f"{verbs[change.action]}_COMPLETE")
    stack.events.append(complete)


CloudFormationBackend.execute_change_set = _execute_change_set  # type: ignore[method-assign]


# --- S3 verifies the checksums it is sent ---------------------------------------------------------------------

class BadDigest(S3ClientError):
    code = 400

    def __init__(self) -> None:
        super().__init__("BadDigest", "The Content-MD5 or checksum value that you specified did not match what the server received.")


_original_put_object = S3Backend.put_object
# Headers of the request being served, per server thread: put_object is not given them.
_request = threading.local()


def _put_object(self: S3Backend, bucket_name: str, key_name: str, value: bytes, *args: Any, **kwargs: Any) -> Any:
    headers: dict[str, str] = getattr(_request, "headers", {})
    body = bytes(value)
    sha256 = headers.get("x-amz-checksum-sha256")
    if sha256 and base64.b64encode(hashlib.sha256(body).digest()).decode() != sha256:
        raise BadDigest()
    md5 = headers.get("content-md5")
    if md5 and base64.b64encode(hashlib.md5(body).digest()).decode() != md5:
        raise BadDigest()
    return _original_put_object(self, bucket_name, key_name, value, *args, **kwargs)


S3Backend.put_object = _put_object  # type: ignore[method-assign]


def _capture_headers(app: Any) -> Any:
    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
        if "CONTENT_MD5" in environ:
            headers["content-md5"] = environ["CONTENT_MD5"]
        _request.headers = headers
        return app(environ, start_response)

    return wrapped


# --- conditional bucket-policy statements are not enforced ------------------------------------------------------

def _get_permission(self: FakeBucket, action: str, resource: str) -> Any:
    from moto.iam.access_control import IAMPolicy, PermissionResult

    if self.policy is None:
        return PermissionResult.NEUTRAL
    policy = json.loads(self.policy)
    statements = policy.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    unconditional = [statement for statement in statements if "Condition" not in statement]
    if not unconditional:
        return PermissionResult.NEUTRAL
    return IAMPolicy(json.dumps({**policy, "Statement": unconditional})).is_action_permitted(action, resource)


FakeBucket.get_permission = _get_permission  # type: ignore[method-assign]


# --- TemplateURL path-style on 127.0.0.1 ----------------------------------------------------------------------

from moto.cloudformation import utils as cloudformation_utils  # noqa: E402

_original_from_s3_url = cloudformation_utils.get_stack_from_s3_url


def _get_stack_from_s3_url(template_url: str, account_id: str, partition: str) -> str:
    parts = urlparse(template_url)
    if parts.hostname == "127.0.0.1":
        template_url = parts._replace(netloc=f"localhost:{parts.port}").geturl()
    return _original_from_s3_url(template_url, account_id=account_id, partition=partition)


cloudformation_responses.get_stack_from_s3_url = _get_stack_from_s3_url
cloudformation_models.get_stack_from_s3_url = _get_stack_from_s3_url



# --- a new AWS::Lambda::Version publishes the function's new code ------------------------------------------
# AWS orders an update by dependencies: the function's code changes, then the new Version (which refers to the
# function) publishes it. moto adds new resources before it modifies existing ones, so the new Version published
# the old code (and, that code being published already, no new version at all). The update runs in two passes:
# first without the new Versions (and with resources that refer to them as they were), then the whole template.

_original_resource_map_update = parsing.ResourceMap.update


def _resource_map_update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
    diff = self.build_resource_diff(template, parameters)
    resources = template.get("Resources", {})
    new_versions = {name for name in diff["Add"] if resources[name].get("Type") == "AWS::Lambda::Version"}
    if not new_versions:
        return _original_resource_map_update(self, template, parameters)
    first = {}
    for name, resource in resources.items():
        if name in new_versions:
            continue
        text = json.dumps(resource)
        if any(f'"{version}"' in text for version in new_versions):
            if name in self._resource_json_map:
                first[name] = self._resource_json_map[name]
            continue
        first[name] = resource
    _original_resource_map_update(self, {**template, "Resources": first}, parameters)
    return _original_resource_map_update(self, template, parameters)


parsing.ResourceMap.update = _resource_map_update  # type: ignore[method-assign]

def main() -> None:
    app = _capture_headers(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Nothing to flush: stop at once (sys.exit would wait for the server threads).
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    print(f"MOTO_READY {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
