import Build from '../commands/build.js'
import Completion from '../commands/completion.js'
import Delete from '../commands/delete.js'
import Deploy from '../commands/deploy.js'
import Gc from '../commands/gc.js'
import Help from '../commands/help.js'
import Init from '../commands/init.js'
import Invoke from '../commands/invoke.js'
import LocalInstall from '../commands/local/install.js'
import LocalStart from '../commands/local/start.js'
import LocalStatus from '../commands/local/status.js'
import LocalStop from '../commands/local/stop.js'
import Logs from '../commands/logs.js'
import StartLambda from '../commands/local/start-lambda.js'
import Package from '../commands/package.js'
import Transform from '../commands/transform.js'
import TrafficResume from '../commands/traffic/resume.js'
import TrafficRollback from '../commands/traffic/rollback.js'
import TrafficStatus from '../commands/traffic/status.js'
import Validate from '../commands/validate.js'

/**
 * Every lpack command by id: oclif's `explicit` command target (package.json `oclif.commands`). One module that
 * imports the command classes lets the CLI be bundled with oclif into one module graph (scripts/bundle-cli.mjs).
 * The commands import core modules lazily, so loading this module loads no core code.
 */
export const COMMANDS = {build: Build, completion: Completion, delete: Delete, deploy: Deploy, gc: Gc, help: Help, init: Init, invoke: Invoke, 'local:install': LocalInstall, 'local:start': LocalStart, 'local:start-lambda': StartLambda, 'local:status': LocalStatus, 'local:stop': LocalStop, logs: Logs, package: Package, transform: Transform, 'traffic:resume': TrafficResume, 'traffic:rollback': TrafficRollback, 'traffic:status': TrafficStatus, validate: Validate}
