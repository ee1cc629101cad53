#!/usr/bin/env python3
"""The reference for bench/transform: the AWS SAM translator over the same in-scope files, in one process.

Mirrors ../shared/tools/sam-translate (region us-east-1, partition aws, managed policy names resolved without AWS).
    time python3 bench/transform/sam-translate-all.py
"""
import json
import logging
import os
import time
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "test", "fixtures", "transform")


def main():
    logging.disable(logging.CRITICAL)
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.public.translator import ManagedPolicyLoader
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse

    class Loader(ManagedPolicyLoader):
        def __init__(self):
            pass

        def load(self):
            return {}

    with open(os.path.join(FIXTURES, "out-of-scope.json")) as f:
        out_of_scope = json.load(f)
    names = sorted(n for n in os.listdir(os.path.join(FIXTURES, "input")) if n.endswith(".yaml") and n not in out_of_scope)
    started = time.perf_counter()
    kinds = {"transformed": 0, "invalid": 0, "crashed": 0}
    with mock.patch("boto3.session.Session.region_name", "us-east-1", create=True), mock.patch(
        "samtranslator.translator.arn_generator.ArnGenerator.get_partition_name", return_value="aws"
    ):
        for name in names:
            with open(os.path.join(FIXTURES, "input", name)) as f:
                template = yaml_parse(f.read())
            try:
                transform(template, {}, Loader())
                kinds["transformed"] += 1
            except InvalidDocumentException:
                kinds["invalid"] += 1
            except Exception:  # the translator's own bugs (an AttributeError on a malformed property): lpack rejects those
                kinds["crashed"] += 1
    elapsed = (time.perf_counter() - started) * 1000
    print(f"aws-sam-translator: {len(names)} files in {elapsed:.0f} ms ({json.dumps(kinds)})")


if __name__ == "__main__":
    main()
