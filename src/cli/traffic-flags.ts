import {Flags} from '@oclif/core'

/** Flags of a release: `lpack deploy` and `lpack traffic resume`. */
export const trafficFlags = {
  'traffic-engine': Flags.string({description: 'Who shifts alias traffic: codedeploy (CloudFormation starts a CodeDeploy deployment; the default) or lpack (lpack drives the alias through the Lambda API; works on any endpoint, supports command hooks).', options: ['codedeploy', 'lpack'], helpGroup: 'RELEASE'}),
  'pre-traffic-hook': Flags.string({description: 'Command run before the new version takes traffic (lpack engine); exit 0 passes. Its environment names the stack, function, alias, versions, region and endpoint (LPACK_*).', multiple: true, helpGroup: 'RELEASE'}),
  'post-traffic-hook': Flags.string({description: 'Command run once the new version takes all traffic (lpack engine); a failure rolls back.', multiple: true, helpGroup: 'RELEASE'}),
  'hook-timeout': Flags.integer({description: 'Milliseconds a command hook may run (default 300000).', min: 1, helpGroup: 'RELEASE'}),
  'traffic-poll-interval': Flags.integer({description: 'Milliseconds between alarm polls during a shift: the longest a bad sign waits for the rollback (default 5000).', min: 50, helpGroup: 'RELEASE'}),
  'ignore-release-in-flight': Flags.boolean({description: 'Deploy even though a release is in flight on the stack.', helpGroup: 'RELEASE'}),
}

/**
 * Runs a release with a signal that aborts on Ctrl-C (SIGINT) or SIGTERM, naming the signal as its reason: the
 * engine then rolls back and the command exits 1 with that reason. A second signal is left to Node's default.
 */
export async function withReleaseSignals<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => controller.abort(name)
    process.once(name, handler)
    return [name, handler] as const
  })
  try {
    return await work(controller.signal)
  } finally {
    for (const [name, handler] of handlers) process.removeListener(name, handler)
  }
}
