"""A Lambda handler: `lpack build` packages this folder, with requirements.txt installed beside it."""
import json
import os


def handler(event, context):
    greeting = os.environ.get("GREETING", "hello")
    name = (event or {}).get("name", "world")
    return {"statusCode": 200, "body": json.dumps({"message": f"{greeting} {name}"})}
