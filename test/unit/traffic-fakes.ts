/**
 * In-memory Lambda and CloudWatch behind lpack's own interfaces (src/aws/lambda.ts, cloudwatch.ts), and a
 * simulated clock: the engine's timing and rollback logic is lpack's own, so it is tested here in simulated
 * time; the wire protocol of the same calls is tested against moto (test/integration/traffic-*.test.ts).
 */
import type {AlarmOperations, AlarmState} from '../../src/aws/cloudwatch.js'
import type {AliasInfo, AliasUpdate, InvokeOutcome, LambdaOperations, VersionInfo} from '../../src/aws/lambda.js'
import type {Clock} from '../../src/core/traffic/clock.js'

/** Discrete-event time: a sleep ends when every other task is idle, and time jumps to the earliest timer. */
export class FakeClock implements Clock {
  time = 0
  private timers: {at: number; resolve: () => void}[] = []
  private scheduled = false

  now(): number {
    return this.time
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve()
      const onAbort = () => {
        this.timers = this.timers.filter((other) => other !== timer)
        resolve()
      }
      const timer = {at: this.time + Math.max(0, ms), resolve: () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }}
      this.timers.push(timer)
      signal?.addEventListener('abort', onAbort, {once: true})
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      if (this.timers.length === 0) return
      const next = Math.min(...this.timers.map((timer) => timer.at))
      this.time = Math.max(this.time, next)
      const due = this.timers.filter((timer) => timer.at <= this.time)
      this.timers = this.timers.filter((timer) => timer.at > this.time)
      for (const timer of due) timer.resolve()
    })
  }
}

interface FakeFunction {
  versions: Map<string, VersionInfo>
  aliases: Map<string, AliasInfo>
}

export interface AliasChange {
  at: number
  functionName: string
  alias: string
  functionVersion: string
  additional?: {version: string; weight: number}
  description: string
}

export class FakeLambda implements LambdaOperations {
  readonly functions = new Map<string, FakeFunction>()
  readonly changes: AliasChange[] = []
  readonly invocations: {functionName: string; payload: string; at: number}[] = []
  /** Hook functions: what they answer. */
  readonly handlers = new Map<string, (payload: string) => InvokeOutcome>()

  constructor(private readonly clock: Clock) {}

  addFunction(functionName: string, versions: {role?: string; dlq?: string}[], alias: {name: string; version: string}): void {
    const fn: FakeFunction = {versions: new Map(), aliases: new Map()}
    fn.versions.set('$LATEST', {functionName, version: '$LATEST', arn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`, role: versions.at(-1)?.role})
    versions.forEach((version, index) => {
      const number = String(index + 1)
      fn.versions.set(number, {functionName, version: number, arn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}:${number}`, ...(version.role ? {role: version.role} : {}), ...(version.dlq ? {deadLetterTargetArn: version.dlq} : {})})
    })
    fn.aliases.set(alias.name, {functionName, name: alias.name, arn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}:${alias.name}`, functionVersion: alias.version, description: ''})
    this.functions.set(functionName, fn)
  }

  private fn(name: string): FakeFunction {
    const fn = this.functions.get(name)
    if (!fn) throw Object.assign(new Error(`Function not found: ${name}`), {name: 'ResourceNotFoundException'})
    return fn
  }

  async getAlias(functionName: string, alias: string): Promise<AliasInfo | undefined> {
    return this.functions.get(functionName)?.aliases.get(alias)
  }

  async updateAlias(functionName: string, alias: string, update: AliasUpdate): Promise<AliasInfo> {
    const fn = this.fn(functionName)
    const current = fn.aliases.get(alias)
    if (!current) throw new Error(`no alias ${alias}`)
    // Lambda's own checks, as AWS makes them.
    if (!fn.versions.has(update.functionVersion)) throw new Error(`version ${update.functionVersion} does not exist`)
    if (update.additional) {
      if (update.functionVersion === '$LATEST' || update.additional.version === '$LATEST') throw new Error('$LATEST with weights')
      if (update.additional.weight <= 0 || update.additional.weight >= 1) throw new Error(`weight ${update.additional.weight}`)
      const a = fn.versions.get(update.functionVersion)!
      const b = fn.versions.get(update.additional.version)!
      if (a.role !== b.role || a.deadLetterTargetArn !== b.deadLetterTargetArn) throw new Error('versions differ in role or DLQ')
    }
    const next: AliasInfo = {...current, functionVersion: update.functionVersion, description: update.description ?? current.description}
    delete next.additional
    if (update.additional) next.additional = update.additional
    fn.aliases.set(alias, next)
    this.changes.push({at: this.clock.now(), functionName, alias, functionVersion: next.functionVersion, ...(next.additional ? {additional: next.additional} : {}), description: next.description})
    return next
  }

  async getVersion(functionName: string, version: string): Promise<VersionInfo | undefined> {
    return this.functions.get(functionName)?.versions.get(version)
  }

  async listVersions(functionName: string): Promise<VersionInfo[]> {
    return [...this.fn(functionName).versions.values()]
  }

  async publishVersion(functionName: string): Promise<VersionInfo> {
    const fn = this.fn(functionName)
    const number = String(fn.versions.size)
    const version = {...fn.versions.get('$LATEST')!, version: number}
    fn.versions.set(number, version)
    return version
  }

  async invoke(functionName: string, payload: string): Promise<InvokeOutcome> {
    this.invocations.push({functionName, payload, at: this.clock.now()})
    const handler = this.handlers.get(functionName)
    if (!handler) throw Object.assign(new Error(`Function not found: ${functionName}`), {name: 'ResourceNotFoundException'})
    return handler(payload)
  }
}

/** Alarms whose state is a function of (simulated) time. */
export class FakeAlarms implements AlarmOperations {
  readonly polls: number[] = []
  constructor(private readonly clock: Clock, private readonly stateAt: (name: string, time: number) => AlarmState['state'] = () => 'OK') {}

  async describeAlarms(names: string[]): Promise<AlarmState[]> {
    this.polls.push(this.clock.now())
    return names.map((name) => ({name, state: this.stateAt(name, this.clock.now()), reason: ''}))
  }
}
