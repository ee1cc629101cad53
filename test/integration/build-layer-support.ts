import {LPACK_BIN, run} from '../support/cli.js'

/** Helpers of the Java, Python, custom-runtime and layer build tests. */

/**
 * Runs `lpack build --json` the way a CI machine in another timezone with a stricter umask would, and returns
 * the manifest: the same project must give the same bytes (LAMBDA-FACTS.md, "Reproducible zips").
 */
export async function buildElsewhere(projectDir: string, env: NodeJS.ProcessEnv = {}): Promise<{artifacts: {logicalId: string; sha256: string}[]}> {
  const {stdout} = await run('sh', ['-c', `umask 077 && exec "${process.execPath}" "${LPACK_BIN}" build --json --no-cache`], {
    cwd: projectDir,
    env: {...process.env, ...env, TZ: 'Australia/Adelaide', CI: 'true', NO_COLOR: '1'},
    maxBuffer: 16 * 1024 * 1024,
  })
  return JSON.parse(stdout) as {artifacts: {logicalId: string; sha256: string}[]}
}

/** True when `command --version`-style probing succeeds: the tool is installed here. */
export async function hasTool(command: string, args: readonly string[] = ['--version']): Promise<boolean> {
  return run(command, [...args]).then(
    () => true,
    () => false,
  )
}
