import type {InvokeService} from '../core/invoke/service.js'
import type {Reporter} from '../io/reporter.js'

interface SnsDelivery {
  /** The subscription's endpoint: the function's ARN, perhaps qualified. */
  functionArn: string
  /** Lambda's SNS event: one record with the notification. */
  event: unknown
}

/**
 * SNS → Lambda on the local AWS: a message published to a topic with a `lambda` subscription (AWS::SNS::Subscription,
 * SAM's SNS event, the Subscribe API) is kept by lpack's moto launcher in Lambda's SNS event shape; this loop takes
 * them (a long poll, so they arrive at once) and invokes each function asynchronously, as SNS does — through the
 * same InvokeService as every other invoke, with its retries and failure destinations.
 */
export class SnsDeliveries {
  private readonly abort = new AbortController()
  private loop?: Promise<void>

  constructor(private readonly options: {motoEndpoint: string; service: InvokeService; region: string; reporter: Reporter}) {}

  start(): void {
    this.loop = this.run()
  }

  async stop(): Promise<void> {
    this.abort.abort()
    await this.loop
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      let deliveries: SnsDelivery[]
      try {
        const response = await fetch(`${this.options.motoEndpoint}/_lpack/sns/deliveries?wait=20`, {signal: this.abort.signal})
        deliveries = (await response.json()) as SnsDelivery[]
      } catch (error) {
        if (this.abort.signal.aborted) return
        this.options.reporter.emit({kind: 'local.sns-poll-failed', data: {error: (error as Error).message}})
        await new Promise((resolve) => setTimeout(resolve, 1000))
        continue
      }
      for (const delivery of deliveries) {
        const region = delivery.functionArn.split(':')[3] || this.options.region
        await this.options.service.invoke({functionName: delivery.functionArn, payload: Buffer.from(JSON.stringify(delivery.event)), invocationType: 'Event', region}).catch((error: unknown) => {
          this.options.reporter.emit({kind: 'local.sns-poll-failed', data: {error: `${delivery.functionArn}: ${(error as Error).message}`}})
        })
      }
    }
  }
}
