"""lpack's local AWS: moto's server (moto[server] 5.2.1) on 127.0.0.1 with the gaps lpack's pipeline meets filled in.

Started by ``lpack local start`` (src/local/moto.ts), which serves the public port and sends everything but Lambda's
data plane here. Printed on stdout once listening: ``MOTO_READY <port>``. Stops on SIGTERM / SIGINT. Exits 3 with
``LPACK_MOTO_MISSING`` on stderr when moto cannot be imported.

Start-up: importing moto's CloudFormation module imports every service's models (~2 s), so the server listens as soon
as its dispatcher and S3 are ready, and the CloudFormation and Lambda fixes are applied on a thread meanwhile; a
request for a service other than S3 waits for them (moto itself loads a service's backend on its first request).

What this adds to moto:
- ``AWS::Lambda::Alias``, ``AWS::Lambda::EventInvokeConfig`` and ``AWS::CloudWatch::Alarm`` from CloudFormation (moto
  has the API for them, but no CloudFormation model). moto finds resource types through ``CloudFormationModel.__subclasses__()``,
  so defining the class registers it.
- A function's ``DeadLetterConfig`` is kept (from CloudFormation and the API) and returned by GetFunction.
- A failing resource during ExecuteChangeSet behaves as in CloudFormation: the call succeeds, the resource gets a
  ``*_FAILED`` event with the service's reason, and the stack ends in ``ROLLBACK_COMPLETE`` (create) or
  ``UPDATE_ROLLBACK_COMPLETE`` (update). moto 5.2.1 instead answers the ExecuteChangeSet call with the error and
  leaves the stack ``UPDATE_IN_PROGRESS``.
- An update creates and modifies resources in dependency order and removes replaced ones last, as CloudFormation
  does (moto removes, adds, then modifies: a new AutoPublishAlias version would be published from the old code).
- Per-resource stack events while a change set executes (moto only records stack-level events).
- ``Fn::GetAtt <Version>.Version`` for AWS::Lambda::Version (what SAM's AutoPublishAlias aliases point at).
- A CREATE change set for a stack in REVIEW_IN_PROGRESS reuses that stack, as CloudFormation does (moto makes a
  second stack of the same name).
- A change set that changes nothing is created with status FAILED ("didn't contain changes"), as in CloudFormation;
  moto answers CreateChangeSet itself with "No updates are to be performed." when parameters are passed, and
  compares parameters as sent rather than as resolved (UsePreviousValue, defaults).
- A TemplateURL addressed path-style to 127.0.0.1 (moto only recognises path-style URLs on "localhost").
- ``Fn::Transform`` ``AWS::Include`` snippets and a state machine's ``DefinitionS3Location`` are read from S3, as
  CloudFormation reads them (moto keeps the transform as a literal property and leaves the definition empty).
- ``Fn::GetAtt <NestedStack>.Outputs.<Name>`` (moto's stack model has no attributes; the parent lost all its outputs).
- Bucket-policy statements with a Condition are not enforced. moto ignores conditions and would apply them
  unconditionally, so the TLS-only policy of the managed artifacts bucket (deny when aws:SecureTransport is
  false) would refuse every request; the local AWS serves plain HTTP on loopback, so it is left unenforced.
- A change set that was already executed cannot be executed again: CloudFormation answers InvalidChangeSetStatus
  ("cannot be executed in its current execution status"); moto 5.2.1 applies it a second time.
- S3 verifies ``x-amz-checksum-sha256`` and ``Content-MD5`` against the received bytes and rejects a mismatch with
  ``BadDigest``, as S3 does (moto stores whatever arrives).
- SQS event source mappings are left to lpack's poller (moto would run the function inside SendMessage), and moto
  never runs Lambda code itself (lpack's front server serves Invoke).
- ``GET /_lpack/lambda/code?account=A&region=R&function=F&qualifier=Q`` returns the zip moto stores for a function
  version: lpack's Lambda data plane runs that code.
- ``GET /_lpack/lambda/layer?account=A&region=R&arn=ARN`` returns a layer version's zip, unpacked under the
  function's /opt as Lambda does.
- ``AWS::SNS::Subscription`` from CloudFormation; a message published to a topic with a ``lambda`` subscription is
  kept, in Lambda's SNS event shape, for ``GET /_lpack/sns/deliveries?wait=S`` (lpack's data plane invokes the
  function with it, asynchronously, as SNS does) instead of moto running the function with a fixed record.
- A stack update keeps an ``AWS::SNS::Topic`` (its ARN and subscriptions) unless its TopicName changes; moto deletes
  and recreates every topic of the stack on each update.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import sys
import threading
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, urlparse

try:
    import moto
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from moto.s3.exceptions import S3ClientError
    from moto.s3.models import FakeBucket, S3Backend
    from werkzeug.serving import make_server
except ImportError as error:  # lpack says how to install it
    print(f"LPACK_MOTO_MISSING {error}", file=sys.stderr, flush=True)
    sys.exit(3)

EXPECTED_MOTO = "5.2.1"

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


_patched = threading.Event()
_patch_error: list[BaseException] = []


def _apply_service_fixes() -> None:
    """The CloudFormation, Lambda and SQS fixes; their imports are what makes moto slow to start."""
    try:
        _define_service_fixes()
    except BaseException as error:  # reported by every request that needed them
        _patch_error.append(error)
    finally:
        _patched.set()


def _define_service_fixes() -> None:
    # Module globals: moto finds the models through CloudFormationModel.__subclasses__(), which holds weak references.
    global LambdaAliasModel, LambdaEventInvokeConfigModel, CloudWatchAlarmModel, SnsSubscriptionModel, ApiGatewayV2ApiModel, ApiGatewayV2StageModel
    from moto.awslambda.models import LambdaFunction, LambdaVersion, lambda_backends
    from moto.cloudformation import models as cloudformation_models, parsing, responses as cloudformation_responses
    from moto.cloudformation.exceptions import CloudFormationError
    from moto.cloudformation.models import CloudFormationBackend, Event
    from moto.core.common_models import CloudFormationModel
    from moto.sns.models import Subscription, Topic, sns_backends
    from moto.sqs.models import Queue

    # moto's use_docker=False switches its Lambda API to another backend than CloudFormation's; lpack's front
    # server serves Invoke, so moto never needs docker and keeps the one backend.

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



    def _version_has_cfn_attr(cls: Any, attr: str) -> bool:
        return attr == "Version"


    def _version_get_cfn_attribute(self: LambdaVersion, attribute_name: str) -> str:
        if attribute_name == "Version":
            return str(self.version)
        raise parsing.UnformattedGetAttTemplateException()


    _original_version_from_cfn = LambdaVersion.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def _version_from_cfn(cls: Any, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any) -> Any:
        version = _original_version_from_cfn(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        # `!Ref` of a Version is its ARN in CloudFormation (SAM's `!Ref Fn.Version`); moto's has no physical id.
        function = lambda_backends[account_id][region_name].get_function(_function_name(str(cloudformation_json["Properties"]["FunctionName"])))
        base_arn = str(function.function_arn).split(":function:")[0] + ":function:" + function.function_name
        version.physical_resource_id = f"{base_arn}:{version.version}"
        return version

    LambdaVersion.create_from_cloudformation_json = classmethod(_version_from_cfn)  # type: ignore[method-assign,assignment]
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


    # --- UsePreviousValue of a parameter the stack took its default for ---------------------------------------------

    def _resolve_update_parameters(self: CloudFormationBackend, instance: Any, incoming_params: list[dict[str, str]]) -> dict[str, str]:
        # CloudFormation keeps the previous value, the default included; moto keeps only the values it was given, so
        # a parameter left at its default has no previous value there: it takes the default again (the same value).
        parameters = {p["ParameterKey"]: p["ParameterValue"] for p in incoming_params if "ParameterValue" in p}
        for parameter in incoming_params:
            if parameter.get("UsePreviousValue", False) and parameter["ParameterKey"] in instance.parameters:
                parameters[parameter["ParameterKey"]] = instance.parameters[parameter["ParameterKey"]]
        return parameters

    CloudFormationBackend._resolve_update_parameters = _resolve_update_parameters  # type: ignore[method-assign]


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



    # --- TemplateURL path-style on 127.0.0.1 ----------------------------------------------------------------------

    from moto.cloudformation import utils as cloudformation_utils

    _original_from_s3_url = cloudformation_utils.get_stack_from_s3_url


    def _get_stack_from_s3_url(template_url: str, account_id: str, partition: str) -> str:
        parts = urlparse(template_url)
        if parts.hostname == "127.0.0.1":
            template_url = parts._replace(netloc=f"localhost:{parts.port}").geturl()
        return _original_from_s3_url(template_url, account_id=account_id, partition=partition)


    cloudformation_responses.get_stack_from_s3_url = _get_stack_from_s3_url
    cloudformation_models.get_stack_from_s3_url = _get_stack_from_s3_url




    # --- an update creates and modifies resources in dependency order, and removes the old ones last --------------
    # moto 5.2.1 removes first, then adds, then modifies: a new AWS::Lambda::Version (SAM's AutoPublishAlias) is
    # then published before the function it versions is updated, and points at the old code. CloudFormation
    # updates in dependency order and deletes replaced resources in its clean-up phase.

    def _references(value: Any) -> set[str]:
        found: set[str] = set()
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "Ref" and isinstance(item, str):
                    found.add(item)
                elif key == "Fn::GetAtt":
                    target = item[0] if isinstance(item, list) and item else str(item).split(".")[0]
                    found.add(str(target))
                else:
                    found |= _references(item)
        elif isinstance(value, list):
            for item in value:
                found |= _references(item)
        return found

    def _update_in_order(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
        by_action = self.build_resource_diff(template, parameters)
        old_json = dict(self._resource_json_map)
        self._template = template
        if parameters:
            self.input_parameters = parameters
        self.load_mapping()
        self.load_parameters()
        self.load_conditions()
        self._resource_json_map = template["Resources"]
        added = set(by_action["Add"])
        pending = list(by_action["Add"]) + list(by_action["Modify"])
        while pending:
            def waits(name: str) -> bool:
                resource = template["Resources"][name]
                depends = resource.get("DependsOn", [])
                needs = _references(resource) | set([depends] if isinstance(depends, str) else depends)
                return any(other != name and other in pending for other in needs)

            ready = [name for name in pending if not waits(name)] or pending[:1]  # a cycle: go on in order
            for name in ready:
                pending.remove(name)
                if name in added:
                    _ = self[name]
                else:
                    self._parsed_resources[name] = parsing.parse_and_update_resource(
                        name, template["Resources"][name], self, account_id=self._account_id, region_name=self._region_name
                    )
        for name in by_action["Remove"]:
            if name in self._parsed_resources:
                self._delete_resource(self._parsed_resources.pop(name), old_json[name])

    parsing.ResourceMap.update = _update_in_order  # type: ignore[method-assign]

    # --- AWS::CloudWatch::Alarm -------------------------------------------------------------------------------------
    # moto has the CloudWatch API for metric alarms but no CloudFormation model: without one, a template's alarm
    # (CodeDeploy's and lpack's rollback alarms) is skipped in silence.

    from moto.cloudwatch.models import cloudwatch_backends

    def _put_alarm(name: str, properties: dict[str, Any], account_id: str, region_name: str) -> Any:
        return cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=name,
            namespace=properties.get("Namespace", ""),
            metric_name=properties.get("MetricName", ""),
            comparison_operator=properties["ComparisonOperator"],
            evaluation_periods=int(properties["EvaluationPeriods"]),
            period=int(properties.get("Period", 60)),
            threshold=float(properties.get("Threshold", 0)),
            statistic=properties.get("Statistic", ""),
            description=properties.get("AlarmDescription", ""),
            dimensions=[{"Name": d["Name"], "Value": d["Value"]} for d in properties.get("Dimensions", [])],
            alarm_actions=properties.get("AlarmActions", []),
            datapoints_to_alarm=int(properties["DatapointsToAlarm"]) if "DatapointsToAlarm" in properties else None,
            ok_actions=properties.get("OKActions", []),
            insufficient_data_actions=properties.get("InsufficientDataActions", []),
            unit=properties.get("Unit"),
            actions_enabled=str(properties.get("ActionsEnabled", True)).lower() != "false",
            treat_missing_data=properties.get("TreatMissingData"),
        )

    class CloudWatchAlarmModel(CloudFormationModel):
        __module__ = "moto.cloudwatch.models"

        def __init__(self, name: str):
            self.name = name

        @staticmethod
        def cloudformation_name_type() -> str:
            return "AlarmName"

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::CloudWatch::Alarm"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr == "Arn"

        def get_cfn_attribute(self, attribute_name: str) -> str:
            raise parsing.UnformattedGetAttTemplateException()

        @property
        def physical_resource_id(self) -> str:
            return self.name

        @classmethod
        def create_from_cloudformation_json(  # type: ignore[misc]
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
        ) -> "CloudWatchAlarmModel":
            _put_alarm(resource_name, cloudformation_json["Properties"], account_id, region_name)
            return cls(resource_name)

        @classmethod
        def update_from_cloudformation_json(  # type: ignore[misc]
            cls, original_resource: "CloudWatchAlarmModel", new_resource_name: str, cloudformation_json: dict[str, Any],
            account_id: str, region_name: str,
        ) -> "CloudWatchAlarmModel":
            _put_alarm(original_resource.name, cloudformation_json["Properties"], account_id, region_name)
            return original_resource

        @classmethod
        def delete_from_cloudformation_json(  # type: ignore[misc]
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
        ) -> None:
            cloudwatch_backends[account_id][region_name].delete_alarms([resource_name])

        def delete(self, account_id: str, region_name: str) -> None:
            cloudwatch_backends[account_id][region_name].delete_alarms([self.name])

    # --- AWS::Lambda::EventInvokeConfig ---------------------------------------------------------------------------

    def _invoke_config(properties: dict[str, Any]) -> dict[str, Any]:
        keys = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")
        return {key: properties[key] for key in keys if key in properties}

    class LambdaEventInvokeConfigModel(CloudFormationModel):
        __module__ = "moto.awslambda.models"

        def __init__(self, function_name: str, qualifier: str):
            self.function_name = function_name
            self.qualifier = qualifier

        @staticmethod
        def cloudformation_name_type() -> str:
            return ""

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::Lambda::EventInvokeConfig"

        @property
        def physical_resource_id(self) -> str:
            return f"{self.function_name}:{self.qualifier}"

        @classmethod
        def create_from_cloudformation_json(  # type: ignore[misc]
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
        ) -> "LambdaEventInvokeConfigModel":
            properties = cloudformation_json["Properties"]
            function_name = _function_name(str(properties["FunctionName"]))
            lambda_backends[account_id][region_name].put_function_event_invoke_config(function_name, _invoke_config(properties))
            return cls(function_name, str(properties.get("Qualifier", "$LATEST")))

        @classmethod
        def update_from_cloudformation_json(  # type: ignore[misc]
            cls, original_resource: "LambdaEventInvokeConfigModel", new_resource_name: str, cloudformation_json: dict[str, Any],
            account_id: str, region_name: str,
        ) -> "LambdaEventInvokeConfigModel":
            properties = cloudformation_json["Properties"]
            backend = lambda_backends[account_id][region_name]
            backend.delete_function_event_invoke_config(original_resource.function_name)
            backend.put_function_event_invoke_config(original_resource.function_name, _invoke_config(properties))
            return original_resource

        @classmethod
        def delete_from_cloudformation_json(  # type: ignore[misc]
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
        ) -> None:
            try:
                lambda_backends[account_id][region_name].delete_function_event_invoke_config(
                    _function_name(str(cloudformation_json["Properties"]["FunctionName"]))
                )
            except Exception:  # the function may already be gone
                pass

    # --- a function keeps its DeadLetterConfig ------------------------------------------------------------------

    _original_function_init = LambdaFunction.__init__
    _original_get_configuration = LambdaFunction.get_configuration
    _original_update_configuration = LambdaFunction.update_configuration
    _original_function_from_cfn = LambdaFunction.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    _original_function_update_cfn = LambdaFunction.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def _referenced(value: Any) -> Any:
        """moto's CloudFormation hands a `!Ref` of some resources (LayerVersion, Version) over as the model object
        itself, not its physical id; CloudFormation gives the ARN."""
        if isinstance(value, (str, int, float, bool)) or value is None:
            return value
        return getattr(value, "arn", None) or getattr(value, "physical_resource_id", None) or str(value)

    def _plain_properties(properties: dict[str, Any]) -> dict[str, Any]:
        properties = dict(properties)
        if isinstance(properties.get("Layers"), list):
            properties["Layers"] = [_referenced(layer) for layer in properties["Layers"]]
        variables = (properties.get("Environment") or {}).get("Variables")
        if isinstance(variables, dict):
            properties["Environment"] = {**properties["Environment"], "Variables": {name: _referenced(value) for name, value in variables.items()}}
        return properties

    def _function_init(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        _original_function_init(self, account_id, spec, *args, **kwargs)
        self.lpack_dead_letter_config = spec.get("DeadLetterConfig") or None

    def _get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        config = _original_get_configuration(self, *args, **kwargs)
        dead_letter = getattr(self, "lpack_dead_letter_config", None)
        if dead_letter and dead_letter.get("TargetArn"):
            config["DeadLetterConfig"] = {"TargetArn": dead_letter["TargetArn"]}
        return config

    def _update_configuration(self: Any, config_updates: dict[str, Any]) -> Any:
        config_updates = _plain_properties(config_updates)
        if "DeadLetterConfig" in config_updates:
            self.lpack_dead_letter_config = config_updates["DeadLetterConfig"] or None
        return _original_update_configuration(self, config_updates)

    def _function_from_cfn(cls: Any, resource_name: str, cloudformation_json: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        cloudformation_json = {**cloudformation_json, "Properties": _plain_properties(cloudformation_json["Properties"])}
        fn = _original_function_from_cfn(cls, resource_name, cloudformation_json, *args, **kwargs)
        fn.lpack_dead_letter_config = cloudformation_json["Properties"].get("DeadLetterConfig") or None
        # moto's CloudFormation create leaves Layers out.
        layers = cloudformation_json["Properties"].get("Layers")
        if isinstance(layers, list) and layers:
            fn.layers = fn._get_layers_data(layers)
        return fn

    def _function_update_cfn(cls: Any, *args: Any, **kwargs: Any) -> Any:
        # moto calls it with keywords (original_resource, new_resource_name, cloudformation_json, ...).
        fn = _original_function_update_cfn(cls, *args, **kwargs)
        cloudformation_json = kwargs["cloudformation_json"] if "cloudformation_json" in kwargs else args[2]
        fn.lpack_dead_letter_config = cloudformation_json["Properties"].get("DeadLetterConfig") or None
        return fn

    LambdaFunction.__init__ = _function_init  # type: ignore[method-assign]
    LambdaFunction.get_configuration = _get_configuration  # type: ignore[method-assign]
    LambdaFunction.update_configuration = _update_configuration  # type: ignore[method-assign]
    LambdaFunction.create_from_cloudformation_json = classmethod(_function_from_cfn)  # type: ignore[method-assign,assignment]
    LambdaFunction.update_from_cloudformation_json = classmethod(_function_update_cfn)  # type: ignore[method-assign,assignment]

    # --- AWS::Include and DefinitionS3Location: what CloudFormation reads from S3 -----------------------------
    # moto keeps `Fn::Transform: {Name: AWS::Include}` as a literal property (the resource is made without what the
    # snippet holds) and ignores a state machine's DefinitionS3Location (its definition is then empty). CloudFormation
    # fetches both from S3 while it processes the template; here they come from moto's own S3.

    from moto.cloudformation.exceptions import ValidationError
    from moto.s3.models import s3_backends
    from moto.stepfunctions.models import StateMachine

    def _s3_text(bucket: str, key: str, version: str | None, account_id: str) -> str:
        try:
            found = s3_backends[account_id]["aws"].get_object(bucket, key, version_id=version)
        except Exception:  # no such bucket
            found = None
        if found is None:
            raise ValidationError(message=f"S3 object s3://{bucket}/{key} does not exist or cannot be read")
        return found.value.decode("utf-8")

    def _include(location: Any, account_id: str) -> Any:
        parts = urlparse(str(location))
        if parts.scheme != "s3":
            raise ValidationError(message=f"AWS::Include Location must be an s3:// URI, got {location}")
        return cloudformation_models.Stack.parse_template(_s3_text(parts.netloc, parts.path.lstrip("/"), None, account_id))

    def _expand_includes(value: Any, account_id: str) -> Any:
        if isinstance(value, list):
            return [_expand_includes(item, account_id) for item in value]
        if not isinstance(value, dict):
            return value
        transform = value.get("Fn::Transform")
        if isinstance(transform, dict) and transform.get("Name") == "AWS::Include":
            snippet = _include((transform.get("Parameters") or {}).get("Location"), account_id)
            rest = {key: item for key, item in value.items() if key != "Fn::Transform"}
            # The snippet replaces the Fn::Transform: a mapping merges into the mapping around it.
            value = {**rest, **snippet} if isinstance(snippet, dict) else snippet if not rest else rest
            return _expand_includes(value, account_id)
        return {key: _expand_includes(item, account_id) for key, item in value.items()}

    _original_stack_parse_template = cloudformation_models.Stack._parse_template

    def _stack_parse_template(self: Any) -> None:
        _original_stack_parse_template(self)
        self.template_dict = _expand_includes(self.template_dict, self.account_id)

    cloudformation_models.Stack._parse_template = _stack_parse_template  # type: ignore[method-assign]

    # A change set applies its own copy of the template.
    _original_change_set_parse_template = cloudformation_models.ChangeSet._parse_template

    def _change_set_parse_template(self: Any) -> None:
        _original_change_set_parse_template(self)
        self.template_dict = _expand_includes(self.template_dict, self.stack.account_id)

    cloudformation_models.ChangeSet._parse_template = _change_set_parse_template  # type: ignore[method-assign]

    def _with_s3_definition(cloudformation_json: Any, account_id: str) -> Any:
        properties = cloudformation_json.get("Properties") or {}
        location = properties.get("DefinitionS3Location")
        if properties.get("DefinitionString") or not isinstance(location, dict):
            return cloudformation_json
        definition = _s3_text(location["Bucket"], location["Key"], location.get("Version"), account_id)
        for name, replacement in (properties.get("DefinitionSubstitutions") or {}).items():
            definition = definition.replace("${" + name + "}", str(replacement))
        return {**cloudformation_json, "Properties": {**properties, "DefinitionString": definition}}

    _original_machine_create = StateMachine.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    _original_machine_update = StateMachine.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def _machine_create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        return _original_machine_create(cls, resource_name, _with_s3_definition(cloudformation_json, account_id), account_id, region_name, **kwargs)

    def _machine_update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        return _original_machine_update(cls, original_resource, new_resource_name, _with_s3_definition(cloudformation_json, account_id), account_id, region_name)

    StateMachine.create_from_cloudformation_json = classmethod(_machine_create)  # type: ignore[method-assign, assignment]
    StateMachine.update_from_cloudformation_json = classmethod(_machine_update)  # type: ignore[method-assign, assignment]

    # --- AWS::ApiGateway::RestApi named by its Body ----------------------------------------------------------------
    # API Gateway takes a RestApi's name from its Body's info.title when Name is not given (what SAM's transform
    # generates), and makes its resources and methods from the Body's paths; moto requires Name (the resource fails
    # with KeyError 'Name') and ignores Body, so the stack's AWS::ApiGateway::Deployment then fails with "The REST
    # API doesn't contain any methods". moto's own import takes OpenAPI 3 only and reads nothing but paths, methods
    # and their integrations, which Swagger 2.0 writes the same way: it is given those, with SAM's any-method as ANY.

    from moto.apigateway.models import RestAPI, apigateway_backends

    _original_rest_api_create = RestAPI.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def _rest_api_create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json.get("Properties") or {}
        body = properties.get("Body")
        if properties.get("Name") or not isinstance(body, dict):
            return _original_rest_api_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        info = body.get("info") if isinstance(body.get("info"), dict) else {}
        named = {**properties, "Name": info.get("title") or resource_name, "Description": properties.get("Description") or info.get("description") or ""}
        api = _original_rest_api_create(cls, resource_name, {**cloudformation_json, "Properties": named}, account_id, region_name, **kwargs)
        paths = body.get("paths")
        if isinstance(paths, dict):
            methods_only = {"openapi": "3.0.1", "info": info, "paths": {path: _http_methods(item) for path, item in paths.items() if isinstance(item, dict)}}
            apigateway_backends[account_id][region_name].put_rest_api(api.id, methods_only, fail_on_warnings=False, mode="overwrite")
        return api

    _HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "any"}

    def _http_methods(path_item: dict[str, Any]) -> dict[str, Any]:
        named = {("any" if key == "x-amazon-apigateway-any-method" else str(key).lower()): value for key, value in path_item.items()}
        return {method: _importable(value) for method, value in named.items() if method in _HTTP_METHODS and isinstance(value, dict)}

    def _importable(method: dict[str, Any]) -> dict[str, Any]:
        # moto's import cannot make an integration without a uri (a MOCK one, as SAM's CORS preflight has): the method
        # is made without it.
        integration = method.get("x-amazon-apigateway-integration")
        if isinstance(integration, dict) and integration.get("uri") and integration.get("httpMethod"):
            return method
        return {key: value for key, value in method.items() if key != "x-amazon-apigateway-integration"}

    RestAPI.create_from_cloudformation_json = classmethod(_rest_api_create)  # type: ignore[method-assign, assignment]

    # --- Fn::GetAtt <NestedStack>.Outputs.<Name> ---------------------------------------------------------------
    # moto's Stack model has no get_cfn_attribute: a parent's output or property that reads a nested stack's output
    # fails, and the parent's Outputs are then all missing.

    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

    def _stack_get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name.startswith("Outputs."):
            name = attribute_name[len("Outputs."):]
            for output in self.outputs or []:
                if output["OutputKey"] == name:
                    return output["OutputValue"]
        raise UnformattedGetAttTemplateException()

    cloudformation_models.Stack.get_cfn_attribute = _stack_get_cfn_attribute  # type: ignore[attr-defined]

    # --- SQS event source mappings are polled by lpack, not run inside SendMessage ---------------------------

    _original_add_message = Queue.add_message

    def _add_message(self: Any, message: Any) -> None:
        mappings = self.lambda_event_source_mappings
        self.lambda_event_source_mappings = {}
        try:
            _original_add_message(self, message)
        finally:
            self.lambda_event_source_mappings = mappings

    Queue.add_message = _add_message  # type: ignore[method-assign]

    # --- SNS delivers to functions through lpack's data plane ----------------------------------------------------

    _original_publish = Subscription.publish

    def _publish(self: Any, message: str, message_id: str, subject: str | None = None, message_attributes: dict[str, Any] | None = None, *args: Any, **kwargs: Any) -> None:
        if self.protocol != "lambda":
            return _original_publish(self, message, message_id, subject, message_attributes, *args, **kwargs)
        if self._filter_policy_matcher is not None and not self._filter_policy_matcher.matches(message_attributes, message):
            return None
        if kwargs.get("message_structure") == "json":
            message = self._parse_message_structure(message, self.protocol)
        # Lambda's SNS event (one record per invocation); moto would run the function itself with a fixed record.
        attributes = {name: {"Type": value.get("Type", "String"), "Value": value.get("Value")} for name, value in (message_attributes or {}).items()}
        notification: dict[str, Any] = {
            "SignatureVersion": "1",
            "Timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "Signature": "EXAMPLE",
            "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
            "MessageId": message_id,
            "Message": message,
            "MessageAttributes": attributes,
            "Type": "Notification",
            "UnsubscribeUrl": f"https://sns.{self.topic.arn.split(':')[3]}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={self.arn}",
            "TopicArn": self.topic.arn,
            "Subject": subject,
        }
        event = {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": self.arn, "Sns": notification}]}
        with _sns_condition:
            _sns_deliveries.append({"functionArn": self.endpoint, "event": event})
            _sns_condition.notify_all()
        return None

    Subscription.publish = _publish  # type: ignore[method-assign]

    # moto "updates" a topic by deleting it and creating another (a new name and ARN, its subscriptions lost), and
    # an update touches every resource of the stack; CloudFormation replaces a topic only for a new TopicName.
    _original_topic_update = Topic.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def _topic_update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> Any:
        properties = cloudformation_json.get("Properties") or {}
        if properties.get("TopicName") not in (None, original_resource.name):
            return _original_topic_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        if "DisplayName" in properties:
            original_resource.display_name = properties["DisplayName"]
        return original_resource

    Topic.update_from_cloudformation_json = classmethod(_topic_update)  # type: ignore[method-assign,assignment]

    # --- AWS::SNS::Subscription from CloudFormation (moto only has a Topic's Subscription property) ---------------

    class SnsSubscriptionModel(CloudFormationModel):
        __module__ = "moto.sns.models"

        def __init__(self, arn: str):
            self.arn = arn

        @staticmethod
        def cloudformation_name_type() -> str:
            return ""

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::SNS::Subscription"

        @property
        def physical_resource_id(self) -> str:
            return self.arn

        @classmethod
        def create_from_cloudformation_json(  # type: ignore[misc]
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
        ) -> "SnsSubscriptionModel":
            properties = cloudformation_json["Properties"]
            backend = sns_backends[account_id][region_name]
            subscription = backend.subscribe(str(_referenced(properties["TopicArn"])), str(_referenced(properties["Endpoint"])), str(properties["Protocol"]))
            for name in ("FilterPolicy", "FilterPolicyScope", "RawMessageDelivery"):
                if name in properties:
                    value = properties[name]
                    backend.set_subscription_attributes(subscription.arn, name, json.dumps(value) if isinstance(value, (dict, list)) else str(value).lower() if isinstance(value, bool) else str(value))
            return cls(subscription.arn)

        @classmethod
        def update_from_cloudformation_json(  # type: ignore[misc]
            cls, original_resource: "SnsSubscriptionModel", new_resource_name: str, cloudformation_json: dict[str, Any],
            account_id: str, region_name: str,
        ) -> "SnsSubscriptionModel":
            sns_backends[account_id][region_name].unsubscribe(original_resource.arn)
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

        @classmethod
        def delete_from_cloudformation_json(  # type: ignore[misc]
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
        ) -> None:
            pass

        def delete(self, account_id: str, region_name: str) -> None:
            sns_backends[account_id][region_name].unsubscribe(self.arn)

    # --- deleting an AWS::IAM::ManagedPolicy detaches it first --------------------------------------------------------
    # moto's ManagedPolicy has no delete: a stack's policy stays attached to its role, whose deletion then fails with
    # DeleteConflict at every pass, and the stack cannot be deleted (SAM's connectors make such policies).

    from moto.iam.models import ManagedPolicy, iam_backends
    from moto.utilities.utils import get_partition

    def _managed_policy_delete(self: Any, account_id: str, region_name: str) -> None:
        backend = iam_backends[account_id][get_partition(region_name)]
        for role in list(backend.roles.values()):
            if self.arn in role.managed_policies:
                backend.detach_role_policy(self.arn, role.name)
        for group in list(backend.groups.values()):
            if self.arn in group.managed_policies:
                backend.detach_group_policy(self.arn, group.name)
        for user in list(backend.users.values()):
            if self.arn in user.managed_policies:
                backend.detach_user_policy(self.arn, user.name)
        if self.arn in backend.managed_policies:
            backend.delete_policy(self.arn)

    ManagedPolicy.delete = _managed_policy_delete  # type: ignore[attr-defined]

    # --- AWS::ApiGatewayV2::Api and ::Stage from CloudFormation (moto has the API, but no CloudFormation model) ------
    # Without them moto leaves SAM's HttpApi out of the stack: its Ref stays unresolved in every Fn::Sub that names it.

    class ApiGatewayV2ApiModel(CloudFormationModel):
        __module__ = "moto.apigatewayv2.models"

        def __init__(self, api_id: str, endpoint: str):
            self.api_id = api_id
            self.endpoint = endpoint

        @staticmethod
        def cloudformation_name_type() -> str:
            return "Name"

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::ApiGatewayV2::Api"

        @property
        def physical_resource_id(self) -> str:
            return self.api_id

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr in ("ApiId", "ApiEndpoint")

        def get_cfn_attribute(self, attribute_name: str) -> str:
            if attribute_name == "ApiEndpoint":
                return self.endpoint
            if attribute_name == "ApiId":
                return self.api_id
            raise parsing.UnformattedGetAttTemplateException()

        @classmethod
        def create_from_cloudformation_json(  # type: ignore[misc]
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
        ) -> "ApiGatewayV2ApiModel":
            from moto.apigatewayv2.models import apigatewayv2_backends

            properties = cloudformation_json.get("Properties") or {}
            body = properties.get("Body") if isinstance(properties.get("Body"), dict) else None
            info = body.get("info") if body is not None and isinstance(body.get("info"), dict) else {}
            backend = apigatewayv2_backends[account_id][region_name]
            api = backend.create_api(
                api_key_selection_expression=properties.get("ApiKeySelectionExpression", "$request.header.x-api-key"),
                cors_configuration=properties.get("CorsConfiguration"),  # type: ignore[arg-type]
                description=properties.get("Description") or info.get("description") or "",
                disable_schema_validation=properties.get("DisableSchemaValidation"),  # type: ignore[arg-type]
                disable_execute_api_endpoint=properties.get("DisableExecuteApiEndpoint"),  # type: ignore[arg-type]
                name=properties.get("Name") or info.get("title") or resource_name,
                protocol_type=properties.get("ProtocolType", "HTTP"),
                route_selection_expression=properties.get("RouteSelectionExpression", "$request.method $request.path"),
                tags=properties.get("Tags") or {},
                version=properties.get("Version") or info.get("version") or "",
            )
            if body is not None:
                api.import_api(json.dumps(body), fail_on_warnings=False)
            return cls(api.api_id, api.api_endpoint)

        @classmethod
        def update_from_cloudformation_json(  # type: ignore[misc]
            cls, original_resource: "ApiGatewayV2ApiModel", new_resource_name: str, cloudformation_json: dict[str, Any],
            account_id: str, region_name: str,
        ) -> "ApiGatewayV2ApiModel":
            from moto.apigatewayv2.models import apigatewayv2_backends

            properties = cloudformation_json.get("Properties") or {}
            body = properties.get("Body")
            if isinstance(body, dict):
                apigatewayv2_backends[account_id][region_name].get_api(original_resource.api_id).import_api(json.dumps(body), fail_on_warnings=False)
            return original_resource

        @classmethod
        def delete_from_cloudformation_json(  # type: ignore[misc]
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
        ) -> None:
            pass

        def delete(self, account_id: str, region_name: str) -> None:
            from moto.apigatewayv2.models import apigatewayv2_backends

            apigatewayv2_backends[account_id][region_name].delete_api(self.api_id)

    class ApiGatewayV2StageModel(CloudFormationModel):
        __module__ = "moto.apigatewayv2.models"

        def __init__(self, api_id: str, name: str):
            self.api_id = api_id
            self.name = name

        @staticmethod
        def cloudformation_name_type() -> str:
            return "StageName"

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::ApiGatewayV2::Stage"

        @property
        def physical_resource_id(self) -> str:
            return self.name

        @classmethod
        def create_from_cloudformation_json(  # type: ignore[misc]
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
        ) -> "ApiGatewayV2StageModel":
            from moto.apigatewayv2.models import apigatewayv2_backends

            properties = cloudformation_json.get("Properties") or {}
            api_id = str(_referenced(properties["ApiId"]))
            name = str(properties.get("StageName") or "$default")
            config = {"stageName": name, "autoDeploy": properties.get("AutoDeploy", False), "stageVariables": properties.get("StageVariables") or {}, "tags": properties.get("Tags") or {}}
            apigatewayv2_backends[account_id][region_name].create_stage(api_id, config)
            return cls(api_id, name)

        @classmethod
        def update_from_cloudformation_json(  # type: ignore[misc]
            cls, original_resource: "ApiGatewayV2StageModel", new_resource_name: str, cloudformation_json: dict[str, Any],
            account_id: str, region_name: str,
        ) -> "ApiGatewayV2StageModel":
            return original_resource

        @classmethod
        def delete_from_cloudformation_json(  # type: ignore[misc]
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
        ) -> None:
            pass

        def delete(self, account_id: str, region_name: str) -> None:
            from moto.apigatewayv2.models import apigatewayv2_backends

            try:
                apigatewayv2_backends[account_id][region_name].get_api(self.api_id).delete_stage(self.name)
            except Exception:  # the API went first
                pass


# --- the server ---------------------------------------------------------------------------------------------------

def _service_of(environ: dict[str, Any]) -> str:
    """The service a request is signed for (SigV4's credential scope), or '' when unsigned."""
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    marker = "Credential="
    if marker in authorization:
        scope = authorization.split(marker, 1)[1].split(",", 1)[0].split("/")
        if len(scope) >= 4:
            return scope[3]
    return ""


def _function_code(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    from moto.awslambda.models import lambda_backends

    query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
    try:
        backend = lambda_backends[query["account"]][query["region"]]
        fn = backend.get_function(query["function"], query.get("qualifier") or None)
        body = bytes(fn.code_bytes)
    except Exception as error:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [f"{type(error).__name__}: {error}".encode()]
    start_response("200 OK", [("Content-Type", "application/zip"), ("Content-Length", str(len(body))), ("X-Lpack-Code-Sha256", fn.code_sha_256)])
    return [body]


def _layer_code(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    from moto.awslambda.models import lambda_backends

    query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
    try:
        layer = lambda_backends[query["account"]][query["region"]].layers_versions_by_arn(query["arn"])
        if layer is None:
            raise KeyError(query["arn"])
        body = bytes(layer.code_bytes)
    except Exception as error:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [f"{type(error).__name__}: {error}".encode()]
    start_response("200 OK", [("Content-Type", "application/zip"), ("Content-Length", str(len(body)))])
    return [body]


_sns_deliveries: list[dict[str, Any]] = []
_sns_condition = threading.Condition()


def _sns_to_functions(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Hands the SNS messages published to function subscriptions to lpack's data plane, waiting up to ``wait``
    seconds for one (a long poll: delivered at once, without polling in a loop)."""
    query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
    wait = min(float(query.get("wait", "0") or 0), 30.0)
    with _sns_condition:
        if not _sns_deliveries and wait > 0:
            _sns_condition.wait(wait)
        taken = list(_sns_deliveries)
        _sns_deliveries.clear()
    body = json.dumps(taken).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _application() -> Any:
    moto_app = _capture_headers(DomainDispatcherApplication(create_backend_app))

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if _service_of(environ) not in ("s3", "sts") or environ.get("PATH_INFO", "").startswith("/_lpack/"):
            _patched.wait()
            if _patch_error:
                start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
                return [f"lpack's moto launcher could not apply its fixes: {_patch_error[0]!r}".encode()]
        if environ.get("PATH_INFO", "") == "/_lpack/lambda/code":
            return _function_code(environ, start_response)
        if environ.get("PATH_INFO", "") == "/_lpack/lambda/layer":
            return _layer_code(environ, start_response)
        if environ.get("PATH_INFO", "") == "/_lpack/sns/deliveries":
            return _sns_to_functions(environ, start_response)
        return moto_app(environ, start_response)

    return app


def main() -> None:
    port = int(sys.argv[sys.argv.index("--port") + 1]) if "--port" in sys.argv else 0
    if moto.__version__ != EXPECTED_MOTO:
        print(f"LPACK_MOTO_VERSION {moto.__version__}", file=sys.stderr, flush=True)
    server = make_server("127.0.0.1", port, _application(), threaded=True)
    threading.Thread(target=_apply_service_fixes, daemon=True).start()
    # Nothing to flush: stop at once (sys.exit would wait for the server threads).
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    print(f"MOTO_READY {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
