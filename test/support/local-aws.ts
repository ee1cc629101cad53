import {type FaultProxy, startFaultProxy} from './fault-proxy.js'
import {motoClients, type MotoServer, motoEnv, startMoto} from './moto.js'

/**
 * One test file's AWS in one call: `lpack local start` (test/support/moto.ts), the fault proxy lpack talks through,
 * and SDK clients straight to the local AWS.
 */
export interface LocalAws {
  /** The local AWS's own endpoint (past the proxy). */
  endpoint: string
  moto: MotoServer
  proxy: FaultProxy
  /** Environment for lpack child processes: endpoint (the proxy), region, test credentials. */
  env: NodeJS.ProcessEnv
  /** Clients that look at moto directly, past the proxy (assertions are not counted as lpack's requests). */
  sdk: ReturnType<typeof motoClients>
  stop(): Promise<void>
}

export async function startLocalAws(): Promise<LocalAws> {
  const moto = await startMoto()
  const proxy = await startFaultProxy(moto.endpoint)
  const sdk = motoClients(moto.endpoint)
  return {
    endpoint: moto.endpoint,
    moto,
    proxy,
    env: motoEnv(proxy.url),
    sdk,
    async stop() {
      sdk.s3.destroy()
      sdk.cloudFormation.destroy()
      await proxy.stop()
      await moto.stop()
    },
  }
}
