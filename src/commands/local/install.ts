import {Flags} from '@oclif/core'

import {LpackCommand} from '../../cli/lpack-command.js'
import type {InstallResult} from '../../local/install.js'

export default class LocalInstall extends LpackCommand {
  static override summary = 'Install what lpack local start needs: moto[server], pinned, in a virtualenv in your cache folder.'
  static override description =
    'When python3 (or LPACK_PYTHON) imports moto already, says so and changes nothing (--force installs anyway). Otherwise makes a virtualenv (default ~/.cache/lpack/moto-<version>, under XDG_CACHE_HOME when set, or LPACK_LOCAL_VENV) and pip-installs the pinned moto[server] into it from PyPI, or from --index-url / --find-links; lpack local start uses that virtualenv when python3 cannot import moto.'
  static override flags = {
    python: Flags.string({description: 'The Python 3 interpreter to make the virtualenv from (default: LPACK_PYTHON, else python3).'}),
    venv: Flags.string({description: 'Where to make the virtualenv (default: ~/.cache/lpack/moto-<version>, LPACK_LOCAL_VENV).'}),
    'index-url': Flags.string({description: 'pip --index-url: a PyPI mirror.'}),
    'find-links': Flags.string({description: 'pip --find-links: a folder or page of wheels.'}),
    'no-index': Flags.boolean({description: 'pip --no-index: use only --find-links and what is installed already.'}),
    'system-site-packages': Flags.boolean({description: 'The virtualenv also sees the interpreter\'s own packages (what is installed there satisfies pip).'}),
    force: Flags.boolean({description: 'Make the virtualenv even when the interpreter imports moto already.'}),
  }
  static override examples = ['<%= config.bin %> local install', '<%= config.bin %> local install --index-url https://pypi.example.com/simple', '<%= config.bin %> local install --find-links ./wheels --no-index']

  async run(): Promise<InstallResult> {
    const {flags} = await this.parse(LocalInstall)
    const {installMoto} = await import('../../local/install.js')
    const result = await installMoto({
      ...(flags.python !== undefined ? {python: flags.python} : {}),
      ...(flags.venv !== undefined ? {venv: flags.venv} : {}),
      ...(flags['index-url'] !== undefined ? {indexUrl: flags['index-url']} : {}),
      ...(flags['find-links'] !== undefined ? {findLinks: flags['find-links']} : {}),
      noIndex: flags['no-index'],
      systemSitePackages: flags['system-site-packages'],
      force: flags.force,
      reporter: this.createReporter(),
    })
    if (!this.jsonEnabled()) {
      process.stdout.write(result.kind === 'installed'
        ? `installed moto ${result.motoVersion} in ${result.venv}; lpack local start uses ${result.python}\n`
        : `moto ${result.motoVersion} is importable by ${result.python}; nothing to install\n`)
    }
    return result
  }
}
