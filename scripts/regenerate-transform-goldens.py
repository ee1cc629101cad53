#!/usr/bin/env python3
"""Regenerates the golden outputs of lpack's transform differential tests with the reference AWS SAM translator.

    python3 scripts/regenerate-transform-goldens.py [NAME.yaml ...]

Copies the inputs from ../shared/corpus/sam-translator-full/input (Apache-2.0, see test/fixtures/transform/LICENSE-NOTE) into
test/fixtures/transform/input/ and writes what ../shared/tools/sam-translate prints for each one into
test/fixtures/transform/output/NAME.json: the CloudFormation template, or {"errorMessage": ...} for a template the
translator rejects. The tool is loaded once and its main() run per file (same code, same flags: region us-east-1,
partition aws), because starting Python and importing the translator costs over a second per file.
Only this script needs Python and ../shared; the tests read the fixtures.
"""
import contextlib
import importlib.machinery
import importlib.util
import io
import json
import logging
import os
import shutil
import sys
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("LPACK_SHARED", os.path.join(ROOT, "..", "shared"))
CORPUS = os.path.join(SHARED, "corpus", "sam-translator-full", "input")
TOOL = os.path.join(SHARED, "tools", "sam-translate")
INPUT_DIR = os.path.join(ROOT, "test", "fixtures", "transform", "input")
OUTPUT_DIR = os.path.join(ROOT, "test", "fixtures", "transform", "output")


def load_tool():
    loader = importlib.machinery.SourceFileLoader("sam_translate_tool", TOOL)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


# The translator hashes the time of translation into the deployment of an Api with AlwaysDeploy; the goldens are made
# at this fixed time, which the differential tests hand lpack's transform (TRANSLATION_TIME in transform-corpus.test.ts).
TRANSLATION_TIME = 1700000000


def run_tool(tool, path):
    out = io.StringIO()
    sys.argv = ["sam-translate", path]
    try:
        with contextlib.redirect_stdout(out), mock.patch("time.time", return_value=TRANSLATION_TIME):
            tool.main()
    except SystemExit:
        pass
    except Exception as error:  # the tool itself crashed on this input: record it, as the tool would exit non-zero
        return '{"errorMessage": %s}\n' % json.dumps(f"sam-translate crashed: {type(error).__name__}: {error}")
    return out.getvalue()


def main():
    global CORPUS, INPUT_DIR, OUTPUT_DIR
    args = sys.argv[1:]
    # --from DIR --to DIR: translate another folder (serverless-patterns for scripts/transform-coverage.mjs) into DIR,
    # without copying inputs into the fixtures.
    copy_inputs = True
    if args[:1] == ["--from"] and len(args) >= 4 and args[2] == "--to":
        CORPUS, OUTPUT_DIR, args, copy_inputs = args[1], args[3], args[4:], False
    names = [os.path.basename(n) for n in args] or sorted(n for n in os.listdir(CORPUS) if n.endswith((".yaml", ".yml")))
    os.makedirs(INPUT_DIR, exist_ok=True)
    os.makedirs(OUTPUT_DIR, exist_ok=True)
    logging.disable(logging.CRITICAL)  # the translator logs metrics noise per file
    tool = load_tool()
    rejected = 0
    for name in names:
        if copy_inputs:
            shutil.copyfile(os.path.join(CORPUS, name), os.path.join(INPUT_DIR, name))
        text = run_tool(tool, os.path.join(CORPUS, name))
        if '"errorMessage"' in text[:40]:
            rejected += 1
        with open(os.path.join(OUTPUT_DIR, os.path.splitext(name)[0] + ".json"), "w", encoding="utf-8") as f:
            f.write(text if text.endswith("\n") else text + "\n")
    sys.argv = sys.argv[:1]
    print(f"{len(names)} goldens written to {OUTPUT_DIR} ({rejected} rejected by the translator)")


if __name__ == "__main__":
    main()
