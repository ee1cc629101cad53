"""Reads orders from the SQS queue. A message that is not an order is reported back alone
(ReportBatchItemFailures), so SQS retries only it and the rest of the batch is done."""
import json


def handler(event, context):
    failures = []
    for record in event.get("Records", []):
        try:
            order = json.loads(record["body"])
            total = sum(item["quantity"] * item["priceCents"] for item in order["items"])
            print(json.dumps({"order": order.get("id"), "totalCents": total}))
        except (ValueError, KeyError, TypeError) as error:
            print(json.dumps({"message": record.get("messageId"), "error": str(error)}))
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
