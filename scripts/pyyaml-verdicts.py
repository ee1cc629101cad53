#!/usr/bin/env python3
"""Records what PyYAML makes of every template lpack's YAML/JSON parity test reads.

Writes test/fixtures/parse/pyyaml-verdicts.json: for each template, whether it loads and, if not, PyYAML's
problem and 1-based line:column, as read by
  - libyaml: PyYAML's CSafeLoader with the CloudFormation tags (`!Ref` …), the parser cfn-lint uses;
  - pyyaml:  PyYAML's pure-Python SafeLoader with the same tags, as the SAM translator's yaml_parse reads;
  - cfnLint: cfn-lint's own decoder (cfnlint.decode.decode_str), which adds duplicate-key errors and a JSON
             fallback when YAML fails on a tab.
test/unit/parse-parity.test.ts compares lpack's parseTemplate with these verdicts.

Run from the repository root after adding or changing a fixture template (needs PyYAML and cfn-lint):
  python3 scripts/pyyaml-verdicts.py
"""

import json
import pathlib
import sys

import yaml
from cfnlint.decode import decode_str
from cfnlint.version import __version__ as cfn_lint_version

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test/fixtures/parse/pyyaml-verdicts.json"
# test/fixtures/validate/sam-translator holds the same 319 files as transform/input: read once.
SOURCES = [
    "test/fixtures/transform/input",
    "test/fixtures/parse/sam-translator-full",
    "test/fixtures/validate/serverless-patterns",
    "test/fixtures/parse/crafted",
]


def cfn_tags(loader, suffix, node):
    """Any `!Tag` becomes {Tag: value}, as cfn-lint's and the translator's multi-constructors do."""
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node, True)}
    return {suffix: loader.construct_mapping(node, True)}


class LibyamlLoader(yaml.CSafeLoader):
    pass


class PurePythonLoader(yaml.SafeLoader):
    pass


LibyamlLoader.add_multi_constructor("!", cfn_tags)
PurePythonLoader.add_multi_constructor("!", cfn_tags)


def verdict(load):
    try:
        load()
        return "ok"
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        return {"error": error.problem, "line": mark.line + 1, "column": mark.column + 1}
    except Exception as error:  # the Reader's errors (control characters) and unhashable keys have no mark
        return {"error": first_line(f"{type(error).__name__}: {error}")}


def cfn_lint_verdict(text):
    try:
        _, matches = decode_str(text)
    except Exception as error:
        return {"error": first_line(f"{type(error).__name__}: {error}")}
    if not matches:
        return "ok"
    first = matches[0]
    return {"error": first_line(first.message), "line": first.linenumber, "column": first.columnnumber}


def first_line(message):
    return message.split("\n")[0].strip()


def main():
    templates = {}
    for source in SOURCES:
        for path in sorted((ROOT / source).iterdir()):
            if path.suffix not in (".yaml", ".yml", ".json"):
                continue
            data = path.read_bytes()
            text = data.decode("utf-8")
            templates[str(path.relative_to(ROOT))] = {
                "libyaml": verdict(lambda: yaml.load(data, Loader=LibyamlLoader)),
                "pyyaml": verdict(lambda: yaml.load(data, Loader=PurePythonLoader)),
                "cfnLint": cfn_lint_verdict(text),
            }
    document = {
        "generatedBy": "scripts/pyyaml-verdicts.py",
        "pyyaml": yaml.__version__,
        "cfnLint": cfn_lint_version,
        "templates": templates,
    }
    OUTPUT.write_text(json.dumps(document, indent=1, sort_keys=True, ensure_ascii=True) + "\n")
    print(f"{len(templates)} templates -> {OUTPUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
