import {Flags} from '@oclif/core'

import {LpackCommand} from '../../cli/lpack-command.js'
import type {LocalStatus as Status} from '../../local/index.js'

export default class LocalStatus extends LpackCommand {
  static override summary = 'Show whether a local AWS is running, and its endpoint. Exits 1 when none is.'
  static override flags = {
    'state-dir': Flags.string({description: 'The state folder it was started with (default: ~/.cache/lpack/local, LPACK_LOCAL_STATE_DIR).'}),
  }

  async run(): Promise<Status> {
    const {flags} = await this.parse(LocalStatus)
    const {localStatus, defaultStateDir} = await import('../../local/index.js')
    const status = localStatus(flags['state-dir'] ?? defaultStateDir())
    if (!this.jsonEnabled()) process.stdout.write(status.running ? `running: ${status.endpoint} (pid ${status.pid}, since ${status.startedAt})\n` : 'not running\n')
    if (!status.running) process.exitCode = 1
    return status
  }
}
