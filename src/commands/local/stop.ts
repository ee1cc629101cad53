import {Flags} from '@oclif/core'

import {LpackCommand} from '../../cli/lpack-command.js'

export default class LocalStop extends LpackCommand {
  static override summary = 'Stop the local AWS started with lpack local start --detach.'
  static override flags = {
    'state-dir': Flags.string({description: 'The state folder it was started with (default: ~/.cache/lpack/local, LPACK_LOCAL_STATE_DIR).'}),
  }

  async run(): Promise<{stopped: boolean; endpoint?: string}> {
    const {flags} = await this.parse(LocalStop)
    const {stopLocalAws, defaultStateDir} = await import('../../local/index.js')
    const result = await stopLocalAws(flags['state-dir'] ?? defaultStateDir())
    if (!this.jsonEnabled()) process.stdout.write(result.stopped ? `stopped ${result.endpoint}\n` : 'no local AWS is running\n')
    return result
  }
}
