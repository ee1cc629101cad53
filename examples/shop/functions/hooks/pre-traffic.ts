import {InvokeCommand, LambdaClient} from '@aws-sdk/client-lambda'

/**
 * PreTraffic hook: calls the new version of CreateOrderFunction (NEW_VERSION, its version ARN) with a sample
 * order before it gets any traffic, and fails the release unless the answer is a 201 with the right total.
 *
 * With lpack's traffic engine the hook's answer decides: `{status: 'Failed'}` or an error fails the release.
 * With CodeDeploy's engine a hook reports through codedeploy:PutLifecycleEventHookExecutionStatus instead.
 */
export async function handler(event: {DeploymentId?: string; LifecycleEventHookExecutionId?: string}) {
  const lambda = new LambdaClient({})
  const order = {items: [{sku: 'tea', quantity: 2, priceCents: 350}]}
  const answer = await lambda.send(new InvokeCommand({
    FunctionName: process.env.NEW_VERSION,
    Payload: Buffer.from(JSON.stringify({body: JSON.stringify(order)})),
  }))
  const result = answer.Payload ? JSON.parse(Buffer.from(answer.Payload).toString('utf8')) : undefined
  const passed = !answer.FunctionError && result?.statusCode === 201 && JSON.parse(result.body).totalCents === 700
  console.log(JSON.stringify({deployment: event.DeploymentId, version: process.env.NEW_VERSION, passed, result}))
  return {status: passed ? 'Succeeded' : 'Failed'}
}
